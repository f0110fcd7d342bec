import type { EffectChain } from './chain'
import { eqSections } from './eq'
import type { Section } from './biquad'
import { reverbTailSeconds } from './reverb'
import type { Decibels, Hz, Samples, Seconds } from '../../util/units'

/**
 * Where a rendered tail ends: the last sample within this many dB of the output's peak. -90 dB is
 * below a 16-bit file's last bit for a peak near full scale, so cutting there is inaudible and exact.
 */
export const TAIL_FLOOR_DB: Decibels = -90
/**
 * The longest tail rendered: the longest reverb the chain's ranges allow (RT60 20 s, pre-delay 0.5 s)
 * falls 90 dB in about 31 s, and twice that leaves room. Settings at the ranges' far ends can ring
 * longer (eight +30 dB bands at 10 Hz, Q 20: a bound of 437 s, 108 s heard), and rendering that cost
 * 6 GB and 150 s for a 0.5 s input at 192 kHz stereo; such a tail is cut here and the note says so.
 * So a tail costs at most what a minute of input of the same format does.
 */
export const MAX_TAIL_SECONDS: Seconds = 60

/**
 * Extra decay (dB) the tail bound allows beyond the floor: a compressor's makeup can lift the tail by
 * up to its gain reduction at the peak, and a ring starts below the peak by the signal's crest factor
 * or above it by a resonance; 30 dB more covers every setting the chain's ranges allow.
 */
const TAIL_MARGIN_DB: Decibels = 30

/**
 * Samples after the input ends until one section's own ring (its poles' impulse response) has fallen
 * by `dropDb`: ln(10^(dropDb/20)) / ln(1/r), r the largest pole radius (sqrt(a2) for a complex pair).
 */
function sectionTail(s: Section, dropDb: Decibels): Samples {
  const disc = s.a1 * s.a1 - 4 * s.a2
  const r = disc < 0 ? Math.sqrt(s.a2) : Math.max(Math.abs((-s.a1 + Math.sqrt(disc)) / 2), Math.abs((-s.a1 - Math.sqrt(disc)) / 2))
  if (!(r > 0)) return 0
  return Math.ceil((dropDb / 20) * Math.LN10 / -Math.log(Math.min(r, 1 - 1e-12)))
}

/**
 * An upper bound (samples) on how long `chain`'s output keeps sounding after its input ends, down to
 * TAIL_FLOOR_DB below the peak with TAIL_MARGIN_DB to spare: the EQ's rings (summed over its
 * sections: a cascade rings at most as long as its sections in a row) plus the reverb's pre-delay,
 * diffusers and RT60 scaled to the drop (`reverbTailSeconds`). The compressor and saturation add none
 * (no memory beyond the level detector, which makes no sound of its own); the limiter is latency
 * compensated. 0 for a chain whose stages are all off.
 */
export function chainTailSamples(chain: EffectChain, sampleRate: Hz): Samples {
  if (chain.amount === 0) return 0
  const drop = -TAIL_FLOOR_DB + TAIL_MARGIN_DB
  let n = 0
  for (const s of eqSections(chain.eq, sampleRate)) n += sectionTail(s, drop)
  const wet = chain.reverb.wet * chain.reverb.amount
  if (wet > 0) n += Math.ceil(reverbTailSeconds(chain.reverb, sampleRate, drop) * sampleRate)
  return n
}

/** `channels` followed by `extra` samples of silence each (new arrays). */
export function padSilence(channels: readonly Float32Array[], extra: Samples): Float32Array[] {
  return channels.map((c) => {
    const out = new Float32Array(c.length + extra)
    out.set(c)
    return out
  })
}

/**
 * The length (samples) to keep of `channels` whose first `minLength` samples are the input's own: up
 * to the last sample after them within `floorDb` of the peak over all channels, never shorter than
 * `minLength`. Digital silence keeps `minLength`.
 */
export function tailEnd(channels: readonly Float32Array[], minLength: Samples, floorDb: Decibels = TAIL_FLOOR_DB): Samples {
  let peak = 0
  for (const c of channels) for (let i = 0; i < c.length; i++) peak = Math.max(peak, Math.abs(c[i]!))
  const floor = peak * Math.pow(10, floorDb / 20)
  const n = channels[0]?.length ?? 0
  for (let i = n - 1; i >= minLength; i--) {
    for (const c of channels) if (Math.abs(c[i]!) > floor) return i + 1
  }
  return Math.min(minLength, n)
}
