import { UserError } from '../util/errors'
import type { Decibels, Hz } from '../util/units'
import { logMel64 } from './mel'
import { assertFiniteSignal, assertPositive } from './validate'

/**
 * FFT sizes of the multi-resolution distance, each with hop n/4: at 22.05 kHz 23, 46 and 93 ms,
 * so transients (short windows) and narrow spectral detail such as an EQ band (long windows) both count.
 */
export const MEL_DISTANCE_FFT_SIZES = [512, 1024, 2048] as const
/** Mel bands per resolution (Slaney scale, 0 Hz to Nyquist, as dsp/mel). */
export const MEL_DISTANCE_BANDS = 64
/** Dynamic range kept below the pair's loudest mel value, dB (librosa's top_db default). */
const TOP_DB = 80
/** RMS both signals are scaled to (-20 dBFS): a level offset is a mixing choice, not processing. */
const TARGET_RMS = 0.1
/** Below this RMS (-100 dBFS) a signal is refused as silent: its mel values would sit on the log floor. */
const SILENCE_RMS = 1e-5
/** Natural-log power to dB. */
const DB_PER_NEPER = 10 / Math.LN10

/**
 * Multi-resolution log-mel spectral distance of `a` and `b` (mono, same `sampleRate`), in dB: the
 * multi-resolution spectral loss of the DDSP (Engel et al. 2020) and DeepAFx-ST (Steinmetz et al.
 * 2022) literature, taken on 64 mel bands. Each signal is scaled to the same RMS; at FFT sizes 512,
 * 1024 and 2048 (hop n/4, centred Hann) the mel powers in dB are floored 80 dB below the louder of
 * the pair's loudest values; the mean absolute difference over the first min(frames) frames and all
 * bands is averaged over the three resolutions. 0 for identical signals, symmetric, gain-invariant;
 * an EQ tilt of a few dB moves it by about as many dB. Signals of different lengths are compared
 * over the shorter one's frames (so a time shift counts as difference: align first).
 * Throws UserError for an empty, non-finite, silent or shorter-than-2048-sample input, or a bad rate.
 */
export function multiResolutionMelDistance(a: Float32Array, b: Float32Array, sampleRate: Hz): Decibels {
  assertPositive(sampleRate, 'sample rate')
  const sa = scaled(a, 'first signal')
  const sb = scaled(b, 'second signal')
  let total = 0
  for (const nFft of MEL_DISTANCE_FFT_SIZES) total += resolutionDistance(sa, sb, sampleRate, nFft)
  return total / MEL_DISTANCE_FFT_SIZES.length
}

/** Validated copy of `x` scaled to TARGET_RMS. */
function scaled(x: Float32Array, what: string): Float32Array {
  assertFiniteSignal(x, what)
  const longest = MEL_DISTANCE_FFT_SIZES[MEL_DISTANCE_FFT_SIZES.length - 1]!
  if (x.length < longest) throw new UserError(`${what} is too short: ${x.length} samples, the mel distance needs at least ${longest}`)
  let energy = 0
  for (let i = 0; i < x.length; i++) energy += x[i]! * x[i]!
  const rms = Math.sqrt(energy / x.length)
  if (rms < SILENCE_RMS) throw new UserError(`${what} is silent (RMS below -100 dBFS)`)
  const g = TARGET_RMS / rms
  return Float32Array.from(x, (v) => v * g)
}

/** Mean |dB difference| of the two log-mel spectrograms at one FFT size. */
function resolutionDistance(a: Float32Array, b: Float32Array, sampleRate: Hz, nFft: number): number {
  const p = { sampleRate, nFft, hop: nFft / 4, nMels: MEL_DISTANCE_BANDS }
  const ma = logMel64(a, p)
  const mb = logMel64(b, p)
  const n = Math.min(ma.frames, mb.frames) * MEL_DISTANCE_BANDS
  let top = -Infinity
  for (let i = 0; i < n; i++) top = Math.max(top, ma.data[i]!, mb.data[i]!)
  const floor = top * DB_PER_NEPER - TOP_DB
  let sum = 0
  for (let i = 0; i < n; i++) {
    const da = Math.max(ma.data[i]! * DB_PER_NEPER, floor)
    const db = Math.max(mb.data[i]! * DB_PER_NEPER, floor)
    sum += Math.abs(da - db)
  }
  return sum / n
}
