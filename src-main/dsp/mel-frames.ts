/**
 * Log-mel frames as a WaveNet's local conditioning (van den Oord et al. 2016, section 2.6; Shen et
 * al., "Natural TTS Synthesis by Conditioning WaveNet on Mel Spectrogram Predictions", 2018, for the
 * 80-band log-mel at a 256-sample hop): Slaney mel bands of the Hann STFT power (dsp/mel.ts), on a
 * log floored at `floor`, mapped to about [-1, 1] so the per-layer 1x1 convolutions start out of
 * saturation:
 *   feature = (ln(floor + P) - ln(floor) / 2) / (-ln(floor) / 2)
 * (-1 at silence, 0 at P = sqrt(floor), +1 at P = 1; speech peaks reach about +1.5).
 *
 * Alignment: the model lets frame i condition samples [i * hop, (i + 1) * hop), so frame i here is
 * the STFT frame centred on sample i * hop + hop / 2, the middle of the hop it conditions; a signal
 * of L samples gives ceil(L / hop) frames (the last hop zero-padded to its end).
 */
import { logMel64, LOG_MEL_FLOOR } from './mel'
import { assertPowerOfTwo } from './fft'
import { UserError } from '../util/errors'
import type { Hz, Samples } from '../util/units'

/** Everything that decides the features: stored with a model so generation computes the same ones. */
export interface MelSettings {
  sampleRate: Hz
  /** STFT size (Hann window of the same length). */
  nFft: number
  /** Samples per frame: the model's localHop. */
  hop: Samples
  /** Mel bands: the model's localChannels. */
  bands: number
  fMin: Hz
  fMax: Hz
  /** Power floor of the log (1e-5: 50 dB below a unit-power band). */
  floor: number
}

/** The default floor: quiet enough for breath noise, loud enough that silence does not dominate the range. */
export const MEL_FLOOR = 1e-5

/**
 * Settings for a model at `sampleRate`: 80 bands at a 256-sample hop (16 ms) and nFft 1024 at
 * 16 kHz, the hop and nFft scaled with the rate (128 and 512 at 8 kHz, the same 16 ms), 0 Hz to
 * Nyquist. `bands` and `hop` override; nFft is the power of two at least 4 hops long.
 */
export function defaultMelSettings(sampleRate: Hz, over: { bands?: number; hop?: Samples } = {}): MelSettings {
  const hop = over.hop ?? Math.max(1, Math.round((256 * sampleRate) / 16000))
  const bands = over.bands ?? 80
  if (!Number.isInteger(hop) || hop < 1) throw new UserError(`mel hop: ${hop} is not a whole number of samples >= 1`)
  if (!Number.isInteger(bands) || bands < 1 || bands > 256) throw new UserError(`mel bands: ${bands} is not a whole number in 1..256`)
  const nFft = 2 ** Math.ceil(Math.log2(4 * hop))
  const settings = { sampleRate, nFft, hop, bands, fMin: 0, fMax: sampleRate / 2, floor: MEL_FLOOR }
  checkMelSettings(settings)
  return settings
}

/** Throws a UserError naming the field of settings that cannot be computed. */
export function checkMelSettings(s: MelSettings): void {
  if (!(s.sampleRate > 0)) throw new UserError(`mel sample rate: ${s.sampleRate} Hz is not above 0`)
  assertPowerOfTwo(s.nFft, 'mel nFft')
  if (!Number.isInteger(s.hop) || s.hop < 1 || s.hop > s.nFft) throw new UserError(`mel hop: ${s.hop} is not a whole number in 1..nFft (${s.nFft})`)
  if (!Number.isInteger(s.bands) || s.bands < 1 || s.bands > s.nFft / 2 + 1) throw new UserError(`mel bands: ${s.bands} is not a whole number in 1..${s.nFft / 2 + 1}`)
  if (!(s.fMin >= 0 && s.fMax > s.fMin && s.fMax <= s.sampleRate / 2)) throw new UserError(`mel range ${s.fMin}..${s.fMax} Hz is not within 0..${s.sampleRate / 2} Hz with fMin < fMax`)
  if (!(s.floor > 0 && s.floor < 1)) throw new UserError(`mel floor: ${s.floor} is not in (0, 1)`)
}

/** Frames of conditioning for `length` samples: ceil(length / hop). */
export const framesFor = (length: Samples, hop: Samples): number => Math.ceil(length / hop)

/**
 * The conditioning frames of `x` (see the file's note): Float32Array [frames, bands] row-major,
 * frames = ceil(x.length / hop); frame i describes samples [i * hop, (i + 1) * hop). Throws a
 * UserError for an empty signal or bad settings.
 */
export function melFrames(x: Float32Array, s: MelSettings): { data: Float32Array; frames: number } {
  checkMelSettings(s)
  if (x.length === 0) throw new UserError('mel frames: the signal is empty')
  const frames = framesFor(x.length, s.hop)
  const half = Math.floor(s.hop / 2)
  // Shifted by half a hop so STFT frame i is centred on i * hop + half; zeros after the end fill the last hop.
  const shifted = new Float32Array(frames * s.hop - half)
  shifted.set(x.subarray(Math.min(half, x.length)))
  const m = logMel64(shifted, { sampleRate: s.sampleRate, nFft: s.nFft, hop: s.hop, nMels: s.bands, fMin: s.fMin, fMax: s.fMax })
  // logMel64 logs with its own floor (1e-10): its power is taken back out in double precision and
  // logged on ours, rather than a second mel pass with another floor.
  const lnFloor = Math.log(s.floor)
  const data = new Float32Array(frames * s.bands)
  for (let i = 0; i < data.length; i++) {
    const power = Math.max(0, Math.exp(m.data[i]!) - LOG_MEL_FLOOR)
    data[i] = (Math.log(s.floor + power) - lnFloor / 2) / (-lnFloor / 2)
  }
  return { data, frames }
}
