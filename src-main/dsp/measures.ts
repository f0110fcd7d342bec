import type { SignalMeasures } from '../engine/style/types'
import type { Decibels, Hz } from '../util/units'
import { loudnessMeter, type LoudnessMeter } from './loudness'
import { estimateRt60 } from './rt60'
import { createStftPlan } from './stft-plan'
import { assertFiniteSignal, assertPositive } from './validate'

/** Spectral-centroid analysis: 2048-sample Hann frames (93 ms at 22.05 kHz) every 512 samples. */
const CENTROID_FFT = 2048
const CENTROID_HOP = 512
/** Frames more than this far (dB) below the loudest frame are left out of the centroid (pauses, noise floor). */
const CENTROID_GATE_DB = 60

/**
 * Level and room measures of one mono signal (finite samples, any length >= 1): BS.1770-4
 * integrated loudness (LUFS) and true peak (dBTP) from `meter` (null for silence), crest factor
 * (dB, peak over RMS; 0 for digital silence), spectral centroid (Hz, energy-weighted over the frames
 * within 60 dB of the loudest; 0 for silence) and the blind RT60 of dsp/rt60 (null when it finds no
 * free decays). `known.loudness`: the integrated loudness of this very `x` at this rate, already
 * metered by the caller (the match method meters its inputs), reused rather than metered again.
 * Throws UserError for an empty or non-finite signal or a bad rate.
 */
export function signalMeasures(x: Float32Array, sampleRate: Hz, meter: LoudnessMeter, known: { loudness?: number } = {}): SignalMeasures {
  assertPositive(sampleRate, 'sample rate')
  assertFiniteSignal(x, 'signal')
  const loudness = known.loudness ?? meter.integrated([x], sampleRate)
  const truePeak = meter.truePeak([x], sampleRate)
  return {
    loudness: Number.isFinite(loudness) ? loudness : null,
    truePeak: Number.isFinite(truePeak) ? truePeak : null,
    crestFactor: crestFactor(x),
    spectralCentroid: spectralCentroid(x, sampleRate),
    rt60: estimateRt60(x, sampleRate)
  }
}

/** Peak-to-RMS ratio in dB over the whole signal (a sine: 3.01 dB); 0 for digital silence. */
export function crestFactor(x: Float32Array): Decibels {
  let peak = 0
  let energy = 0
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!)
    if (a > peak) peak = a
    energy += a * a
  }
  if (peak === 0) return 0
  return 20 * Math.log10(peak / Math.sqrt(energy / x.length))
}

/**
 * Energy-weighted mean frequency (Hz) of the power spectrum summed over the frames within 60 dB of
 * the loudest frame: sum_k f_k P_k / sum_k P_k. A sine reads its frequency; white noise, a quarter
 * of the rate. 0 for silence. A signal shorter than one frame is zero-padded (the STFT is centred).
 */
export function spectralCentroid(x: Float32Array, sampleRate: Hz): Hz {
  const plan = createStftPlan({ nFft: CENTROID_FFT, hop: CENTROID_HOP })
  const s = plan.forward(x)
  const frameEnergy = new Float64Array(s.frames)
  let loudest = 0
  for (let t = 0; t < s.frames; t++) {
    let e = 0
    for (let k = 0; k < s.bins; k++) {
      const i = t * s.bins + k
      e += s.re[i]! * s.re[i]! + s.im[i]! * s.im[i]!
    }
    frameEnergy[t] = e
    if (e > loudest) loudest = e
  }
  if (loudest === 0) return 0
  const gate = loudest * 10 ** (-CENTROID_GATE_DB / 10)
  let num = 0
  let den = 0
  for (let t = 0; t < s.frames; t++) {
    if (frameEnergy[t]! < gate) continue
    for (let k = 0; k < s.bins; k++) {
      const i = t * s.bins + k
      const p = s.re[i]! * s.re[i]! + s.im[i]! * s.im[i]!
      num += ((k * sampleRate) / CENTROID_FFT) * p
      den += p
    }
  }
  return num / den
}

/** signalMeasures with the process's loudness meter (loaded on first use). */
export async function measureSignal(x: Float32Array, sampleRate: Hz): Promise<SignalMeasures> {
  return signalMeasures(x, sampleRate, await loudnessMeter())
}
