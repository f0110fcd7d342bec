import type { StyleMetrics } from '../engine/style/types'
import { UserError } from '../util/errors'
import type { Hz } from '../util/units'
import { fitGaussian, frechetDistance, type Gaussian } from './frechet'
import { logMel64 } from './mel'
import { assertFiniteSignal, assertPositive } from './validate'

/**
 * Log-mel analysis behind every metric: 1024-sample windows (46 ms at 22.05 kHz, the usual
 * music-analysis size) every 256 samples (75 % overlap), 64 Slaney mel bands from 0 Hz to Nyquist,
 * ln(1e-10 + mel power). Fixed here so figures from CLI, app and tests are comparable.
 *
 * Two normalisations make the metrics describe timbre and texture rather than level: each signal
 * is scaled to the same RMS first (a render's loudness is a mixing choice, not its style), and
 * log-mel values are clamped 80 dB below the signal's loudest value (librosa's top_db default), so
 * digital silence (ln 1e-10 = -23) does not outweigh every audible frame in the statistics.
 */
export const METRIC_LOG_MEL = { nFft: 1024, hop: 256, nMels: 64 } as const

/** RMS every signal is scaled to before analysis (-20 dBFS). */
const METRIC_RMS = 0.1
/** Dynamic range kept below the loudest log-mel value: 80 dB as a natural-log power ratio. */
const TOP_LOG = 8 * Math.log(10)

/**
 * Signals quieter than this RMS (-100 dBFS) are refused as silent: their mel power sits on the
 * 1e-10 log floor, so their statistics would describe the floor, not the audio.
 */
const SILENCE_RMS = 1e-5

interface Features {
  data: Float64Array
  frames: number
}

/** Validated log-mel frames of one signal; `name` ('output', 'style', 'content') labels errors. */
function features(x: Float32Array, sampleRate: Hz, name: string): Features {
  assertFiniteSignal(x, name)
  if (x.length < METRIC_LOG_MEL.nFft) {
    throw new UserError(`${name} is too short: ${x.length} samples, the metrics need at least ${METRIC_LOG_MEL.nFft}`)
  }
  let energy = 0
  for (let i = 0; i < x.length; i++) energy += x[i]! * x[i]!
  const rms = Math.sqrt(energy / x.length)
  if (rms < SILENCE_RMS) throw new UserError(`${name} is silent (RMS below -100 dBFS)`)
  const gain = METRIC_RMS / rms
  const scaled = Float32Array.from(x, (v) => v * gain)
  const f = logMel64(scaled, { sampleRate, ...METRIC_LOG_MEL })
  let top = -Infinity
  for (let i = 0; i < f.data.length; i++) if (f.data[i]! > top) top = f.data[i]!
  const floor = top - TOP_LOG
  for (let i = 0; i < f.data.length; i++) if (f.data[i]! < floor) f.data[i] = floor
  return f
}

function gaussianOf(f: Features): Gaussian {
  return fitGaussian(f.data, f.frames, METRIC_LOG_MEL.nMels)
}

function checkRate(sampleRate: Hz): void {
  assertPositive(sampleRate, 'sample rate')
}

/**
 * Frechet distance between Gaussians (mean, full covariance) fitted to the 64-band log-mel frames
 * of `a` and of `b`: 0 for identical statistics, growing as the spectral textures differ.
 */
export function styleDistance(
  a: Float32Array, b: Float32Array, sampleRate: Hz, names: [string, string] = ['output', 'style']
): number {
  checkRate(sampleRate)
  return frechetDistance(gaussianOf(features(a, sampleRate, names[0])), gaussianOf(features(b, sampleRate, names[1])))
}

/**
 * Mean absolute difference between per-band z-scored log-mel frames of `output` and `content`,
 * after truncating both frame sequences to the shorter; each signal is z-scored over its own
 * (truncated) frames, so loudness and spectral tilt cancel and only the time course compares.
 */
export function contentDistance(output: Float32Array, content: Float32Array, sampleRate: Hz): number {
  checkRate(sampleRate)
  return zScoreDistance(features(output, sampleRate, 'output'), features(content, sampleRate, 'content'))
}

/** Style distances of content (baseline) and output to the style, and the output's content distance. */
export function styleMetrics(content: Float32Array, style: Float32Array, output: Float32Array, sampleRate: Hz): StyleMetrics {
  checkRate(sampleRate)
  const fc = features(content, sampleRate, 'content')
  const fs = features(style, sampleRate, 'style')
  const fo = features(output, sampleRate, 'output')
  const gs = gaussianOf(fs)
  return {
    styleDistance: { content: frechetDistance(gaussianOf(fc), gs), output: frechetDistance(gaussianOf(fo), gs) },
    contentDistance: zScoreDistance(fo, fc)
  }
}

function zScoreDistance(a: Features, b: Features): number {
  const frames = Math.min(a.frames, b.frames)
  const za = zScore(a.data, frames)
  const zb = zScore(b.data, frames)
  let sum = 0
  for (let i = 0; i < za.length; i++) sum += Math.abs(za[i]! - zb[i]!)
  return sum / za.length
}

/** Per-band z-scores of the first `frames` frames; a band flat to rounding (e.g. on the floor) scores 0. */
function zScore(data: Float64Array, frames: number): Float64Array {
  const m = METRIC_LOG_MEL.nMels
  const z = new Float64Array(frames * m)
  for (let j = 0; j < m; j++) {
    let mean = 0
    for (let t = 0; t < frames; t++) mean += data[t * m + j]!
    mean /= frames
    let v = 0
    for (let t = 0; t < frames; t++) v += (data[t * m + j]! - mean) ** 2
    const std = Math.sqrt(v / frames)
    // 1e-9 relative: far above float64 rounding of the mean, far below any real level variation.
    const flat = std <= 1e-9 * Math.max(1, Math.abs(mean))
    for (let t = 0; t < frames; t++) z[t * m + j] = flat ? 0 : (data[t * m + j]! - mean) / std
  }
  return z
}
