/**
 * Frame energy and its correlation: the measure of issue 15's vocoder check (the frame energy of a
 * resynthesis against that of the recording whose log-mel frames conditioned it).
 */
import { UserError } from '../util/errors'
import type { Decibels, Samples } from '../util/units'

/**
 * Energy of each whole `hop`-sample frame of `x` (frame i = samples [i * hop, (i + 1) * hop)), as the
 * mean square in dB re full scale, floored at `floor` (-80 dB: digital silence would otherwise be
 * -Infinity and swamp any correlation). Float32Array of floor(x.length / hop) values.
 */
export function frameEnergyDb(x: Float32Array, hop: Samples, floor: Decibels = -80): Float32Array {
  if (!Number.isInteger(hop) || hop < 1) throw new UserError(`frame energy hop: ${hop} is not a whole number >= 1`)
  const frames = Math.floor(x.length / hop)
  const out = new Float32Array(frames)
  for (let i = 0; i < frames; i++) {
    let sum = 0
    for (let k = i * hop; k < (i + 1) * hop; k++) sum += x[k]! * x[k]!
    out[i] = Math.max(floor, 10 * Math.log10(sum / hop + 1e-30))
  }
  return out
}

/**
 * Pearson's correlation coefficient of two equally long series (in double precision); NaN when
 * either is constant. Written out rather than taken from a statistics package: it is five sums.
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length < 2) throw new UserError(`pearson: series of ${a.length} and ${b.length} values; two equally long series of at least 2 are needed`)
  const n = a.length
  let ma = 0
  let mb = 0
  for (let i = 0; i < n; i++) {
    ma += a[i]!
    mb += b[i]!
  }
  ma /= n
  mb /= n
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma
    const db = b[i]! - mb
    sab += da * db
    saa += da * da
    sbb += db * db
  }
  return saa === 0 || sbb === 0 ? Number.NaN : sab / Math.sqrt(saa * sbb)
}
