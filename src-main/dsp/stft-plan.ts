import { UserError } from '../util/errors'
import { RealFft, assertPowerOfTwo } from './fft'
import type { Spectrogram, StftParams } from './stft'
import { assertFiniteSignal, assertIntegerIn } from './validate'
import { hann64 } from './window'

/** Reusable STFT / iSTFT of one geometry: window, FFT and scratch are made once (Griffin-Lim calls it hundreds of times). */
export interface StftPlan {
  readonly nFft: number
  readonly hop: number
  readonly center: boolean
  readonly bins: number
  /** Frames the forward transform gives for a signal of `length` samples. */
  frameCount(length: number): number
  /** Signal length the inverse gives by default for `frames` frames (what the forward of that length gives back). */
  defaultLength(frames: number): number
  /** Spectrogram of `x`, written into `out` when given (it must have the right shape). */
  forward(x: Float32Array, out?: Spectrogram): Spectrogram
  /** Signal of `s` with `length` samples (default: defaultLength), written into `out` when given. */
  inverse(s: Spectrogram, length?: number, out?: Float32Array): Float32Array
}

/** Below this summed squared window a sample is left unnormalised, as librosa does (float32 tiny). */
const TINY_WSS = 1.1754943508222875e-38

/** Validates `p` and builds its plan. */
export function createStftPlan(p: StftParams): StftPlan {
  return new Plan(p)
}

class Plan implements StftPlan {
  readonly nFft: number
  readonly hop: number
  readonly center: boolean
  readonly bins: number
  private readonly pad: number
  private readonly window: Float64Array
  private readonly fft: RealFft
  private readonly frameA: Float64Array
  private readonly frameB: Float64Array
  private acc = new Float64Array(0)
  /** 1 / sum of squared windows per output sample, cached for the last (frames, length) seen. */
  private invWss = new Float32Array(0)
  private invWssKey = ''

  constructor(p: StftParams) {
    assertPowerOfTwo(p.nFft, 'nFft')
    assertIntegerIn(p.hop, 1, p.nFft, 'hop')
    this.nFft = p.nFft
    this.hop = p.hop
    this.center = p.center ?? true
    this.bins = p.nFft / 2 + 1
    this.pad = this.center ? p.nFft / 2 : 0
    this.window = hann64(p.nFft)
    this.fft = new RealFft(p.nFft)
    this.frameA = new Float64Array(p.nFft)
    this.frameB = new Float64Array(p.nFft)
  }

  frameCount(length: number): number {
    if (this.center) return 1 + Math.floor(length / this.hop)
    if (length < this.nFft) {
      throw new UserError(`signal of ${length} samples is shorter than nFft ${this.nFft} (center = false)`)
    }
    return 1 + Math.floor((length - this.nFft) / this.hop)
  }

  defaultLength(frames: number): number {
    return this.hop * (frames - 1) + this.nFft - 2 * this.pad
  }

  forward(x: Float32Array, out?: Spectrogram): Spectrogram {
    assertFiniteSignal(x, 'signal')
    const frames = this.frameCount(x.length)
    const bins = this.bins
    const s = out ?? { re: new Float32Array(frames * bins), im: new Float32Array(frames * bins), frames, bins }
    if (s.frames !== frames || s.bins !== bins || s.re.length < frames * bins || s.im.length < frames * bins) {
      throw new UserError(`output spectrogram is ${s.frames} x ${s.bins}, the signal needs ${frames} x ${bins}`)
    }
    const { frameA: a, frameB: b } = this
    for (let t = 0; t < frames; t += 2) {
      this.windowedFrame(x, t, a)
      if (t + 1 < frames) {
        this.windowedFrame(x, t + 1, b)
        this.fft.forwardPair(a, s.re, s.im, t * bins, b, s.re, s.im, (t + 1) * bins)
      } else {
        this.fft.forward(a, s.re, s.im, t * bins)
      }
    }
    return s
  }

  /** Window * frame t of x, reading through the reflection at the padded edges. */
  private windowedFrame(x: Float32Array, t: number, frame: Float64Array): void {
    const { nFft, window: w } = this
    const len = x.length
    const start = t * this.hop - this.pad
    if (start >= 0 && start + nFft <= len) {
      for (let i = 0; i < nFft; i++) frame[i] = x[start + i]! * w[i]!
    } else {
      for (let i = 0; i < nFft; i++) frame[i] = x[reflectIndex(start + i, len)]! * w[i]!
    }
  }

  inverse(s: Spectrogram, length?: number, out?: Float32Array): Float32Array {
    const { frames, bins } = s
    if (bins !== this.bins) throw new UserError(`spectrogram has ${bins} bins, nFft ${this.nFft} needs ${this.bins}`)
    if (!Number.isInteger(frames) || frames < 1 || s.re.length < frames * bins || s.im.length < frames * bins) {
      throw new UserError(`spectrogram of ${frames} frames x ${bins} bins does not match its data`)
    }
    const n = length ?? this.defaultLength(frames)
    if (!Number.isInteger(n) || n < 1) throw new UserError(`output length ${n} is not a positive integer`)
    const y = out ?? new Float32Array(n)
    if (y.length !== n) throw new UserError(`output buffer has ${y.length} samples, expected ${n}`)

    if (this.acc.length !== n) this.acc = new Float64Array(n)
    const acc = this.acc
    acc.fill(0)
    const { frameA: a, frameB: b } = this
    for (let t = 0; t < frames; t += 2) {
      if (t + 1 < frames) {
        this.fft.inversePair(s.re, s.im, t * bins, a, s.re, s.im, (t + 1) * bins, b)
        this.overlapAdd(acc, a, t)
        this.overlapAdd(acc, b, t + 1)
      } else {
        this.fft.inverse(s.re, s.im, a, t * bins)
        this.overlapAdd(acc, a, t)
      }
    }
    const inv = this.inverseWss(frames, n)
    for (let i = 0; i < n; i++) y[i] = acc[i]! * inv[i]!
    return y
  }

  /** Adds window * frame t into the output-aligned accumulator, dropping what falls outside it. */
  private overlapAdd(acc: Float64Array, frame: Float64Array, t: number): void {
    const start = t * this.hop - this.pad
    const from = Math.max(0, -start)
    const to = Math.min(this.nFft, acc.length - start)
    const w = this.window
    for (let i = from; i < to; i++) acc[start + i] += frame[i]! * w[i]!
  }

  private inverseWss(frames: number, n: number): Float32Array {
    const key = `${frames}/${n}`
    if (key === this.invWssKey) return this.invWss
    const wss = new Float64Array(n)
    const w = this.window
    for (let t = 0; t < frames; t++) {
      const start = t * this.hop - this.pad
      const from = Math.max(0, -start)
      const to = Math.min(this.nFft, n - start)
      for (let i = from; i < to; i++) wss[start + i] += w[i]! * w[i]!
    }
    const inv = new Float32Array(n)
    for (let i = 0; i < n; i++) inv[i] = wss[i]! > TINY_WSS ? 1 / wss[i]! : 1
    this.invWss = inv
    this.invWssKey = key
    return inv
  }
}

/**
 * Index into a signal of `len` samples extended by mirror reflection without repeating the edge
 * sample (numpy.pad mode 'reflect', which keeps reflecting when the pad is longer than the signal).
 */
function reflectIndex(j: number, len: number): number {
  if (len === 1) return 0
  const period = 2 * (len - 1)
  const m = ((j % period) + period) % period
  return m < len ? m : period - m
}
