import { UserError } from '../util/errors'
import { createStftPlan } from './stft-plan'

/** STFT geometry. Sizes are powers of two; `center` (default true) reflect-pads nFft/2 each side like torch.stft / librosa. */
export interface StftParams {
  nFft: number
  hop: number
  center?: boolean
}

/** Complex spectrogram, frame-major: bin f of frame t at index t * bins + f; bins = nFft / 2 + 1. */
export interface Spectrogram {
  re: Float32Array
  im: Float32Array
  frames: number
  bins: number
}

export { createStftPlan, type StftPlan } from './stft-plan'

/** Short-time Fourier transform with a periodic Hann window (unnormalised, numpy.fft.rfft per frame). */
export function stft(x: Float32Array, p: StftParams): Spectrogram {
  return createStftPlan(p).forward(x)
}

/**
 * Inverse STFT by weighted overlap-add divided by the summed squared window (the least-squares
 * inverse of Griffin & Lim 1984): exact whenever the window/hop satisfy NOLA. With `length` the
 * output has exactly that many samples (the original length).
 */
export function istft(s: Spectrogram, p: StftParams, length?: number): Float32Array {
  return createStftPlan(p).inverse(s, length)
}

/** An empty spectrogram of the given shape. */
export function allocSpectrogram(frames: number, bins: number): Spectrogram {
  return { re: new Float32Array(frames * bins), im: new Float32Array(frames * bins), frames, bins }
}

/** |X| per frame and bin (same layout). */
export function magnitude(s: Spectrogram, out?: Float32Array): Float32Array {
  const n = s.frames * s.bins
  const m = out ?? new Float32Array(n)
  const { re, im } = s
  for (let i = 0; i < n; i++) m[i] = Math.sqrt(re[i]! * re[i]! + im[i]! * im[i]!)
  return m
}

/** arg X in (-pi, pi] per frame and bin (same layout). */
export function phase(s: Spectrogram, out?: Float32Array): Float32Array {
  const n = s.frames * s.bins
  const ph = out ?? new Float32Array(n)
  const { re, im } = s
  for (let i = 0; i < n; i++) ph[i] = Math.atan2(im[i]!, re[i]!)
  return ph
}

/** log(1 + |X|): the compressed magnitude used by texture-style losses. */
export function log1pMagnitude(s: Spectrogram, out?: Float32Array): Float32Array {
  const m = magnitude(s, out)
  for (let i = 0; i < m.length; i++) m[i] = Math.log1p(m[i]!)
  return m
}

/** Spectrogram mag * e^(i phase) of the given shape. */
export function fromPolar(mag: Float32Array, ph: Float32Array, frames: number, bins: number): Spectrogram {
  if (!Number.isInteger(frames) || !Number.isInteger(bins) || frames < 1 || bins < 2) {
    throw new UserError(`spectrogram shape ${frames} x ${bins} is not a positive frames x bins (bins >= 2)`)
  }
  const n = frames * bins
  if (mag.length !== n) throw new UserError(`magnitude has ${mag.length} values, expected ${frames} x ${bins} = ${n}`)
  if (ph.length !== n) throw new UserError(`phase has ${ph.length} values, expected ${frames} x ${bins} = ${n}`)
  const s = allocSpectrogram(frames, bins)
  for (let i = 0; i < n; i++) {
    s.re[i] = mag[i]! * Math.cos(ph[i]!)
    s.im[i] = mag[i]! * Math.sin(ph[i]!)
  }
  return s
}
