import { UserError } from '../util/errors'

/** Averages channels into one (a copy even for mono input, so callers may mutate it freely). */
export function mixToMono(channels: Float32Array[]): Float32Array {
  const first = channels[0]
  if (!first) throw new UserError('mixToMono: no channels to mix')
  if (channels.some((c) => c.length !== first.length)) throw new UserError('mixToMono: channels have different lengths')
  if (channels.length === 1) return first.slice()
  const out = new Float32Array(first.length)
  const scale = 1 / channels.length
  for (let i = 0; i < out.length; i++) {
    let sum = 0
    for (const c of channels) sum += c[i]!
    out[i] = sum * scale
  }
  return out
}
