/**
 * Spectral flatness (Wiener entropy): per frame, the geometric mean of the power spectrum over its
 * arithmetic mean, 1 for a perfectly flat spectrum and near 0 for a pure tone (Dubnov, "Generalization
 * of spectral flatness measure for non-gaussian linear processes", IEEE SPL 2004; MPEG-7
 * AudioSpectralFlatness). The per-frame formula is librosa.feature.spectral_flatness's:
 * S = max(amin, |STFT|^power), flatness = exp(mean log S) / mean S, with its amin 1e-10 and power 2,
 * over our centred Hann STFT (dsp/stft: reflect padding; librosa >= 0.10 pads with zeros, which
 * changes only the first and last frames).
 *
 * Hann-windowed white noise does not score 1: each bin's power is exponentially distributed, and
 * E[log X] = log E[X] - gamma for an exponential X, so its flatness is e^-gamma = 0.561 (Euler's
 * gamma 0.5772). A clip's figure is the mean over frames that carry energy (see SILENT_GATE).
 */
import { UserError } from '../util/errors'
import { stft } from './stft'
import { assertFiniteSignal } from './validate'

/** STFT geometry and floor of the flatness analysis; the defaults are librosa's. */
export interface FlatnessParams {
  nFft: number
  hop: number
  /** Floor on each bin's power (librosa's amin). */
  amin: number
}

export const FLATNESS_DEFAULTS: FlatnessParams = { nFft: 2048, hop: 512, amin: 1e-10 }

/**
 * Frames quieter than this fraction of the loudest frame's power (-60 dB) are left out of a
 * clip's mean: in digital silence every bin sits on the amin floor and scores a perfect 1, and a
 * fade's tail is dominated by rounding noise, so counting them would call any gappy clip "noise".
 */
export const SILENT_GATE = 1e-6

/** Flatness of every frame (librosa.feature.spectral_flatness's values) and each frame's mean power. */
export function spectralFlatnessFrames(x: Float32Array, params: Partial<FlatnessParams> = {}): { flatness: Float64Array; power: Float64Array } {
  const p = { ...FLATNESS_DEFAULTS, ...params }
  assertFiniteSignal(x, 'signal')
  if (x.length <= p.nFft / 2) throw new UserError(`signal is too short for spectral flatness: ${x.length} samples, at least ${p.nFft / 2 + 1} needed`)
  const s = stft(x, { nFft: p.nFft, hop: p.hop })
  const flatness = new Float64Array(s.frames)
  const power = new Float64Array(s.frames)
  for (let t = 0; t < s.frames; t++) {
    let logSum = 0
    let sum = 0
    let raw = 0
    for (let f = 0; f < s.bins; f++) {
      const i = t * s.bins + f
      const pw = s.re[i]! * s.re[i]! + s.im[i]! * s.im[i]!
      raw += pw
      const floored = Math.max(p.amin, pw)
      logSum += Math.log(floored)
      sum += floored
    }
    flatness[t] = Math.exp(logSum / s.bins) / (sum / s.bins)
    power[t] = raw / s.bins
  }
  return { flatness, power }
}

/**
 * A clip's spectral flatness: the mean of its frames' flatness over the frames within 60 dB of its
 * loudest (SILENT_GATE). Throws a UserError for a clip with no energy at all.
 */
export function spectralFlatness(x: Float32Array, params: Partial<FlatnessParams> = {}): number {
  const { flatness, power } = spectralFlatnessFrames(x, params)
  let loudest = 0
  for (const v of power) loudest = Math.max(loudest, v)
  if (!(loudest > 0)) throw new UserError('signal is silent: spectral flatness is undefined')
  let sum = 0
  let n = 0
  for (let t = 0; t < flatness.length; t++) {
    if (power[t]! >= SILENT_GATE * loudest) {
      sum += flatness[t]!
      n++
    }
  }
  return sum / n
}
