import FFT from 'fft.js'
import { UserError } from '../util/errors'

/** Real-valued input, any numeric array view. */
type Real = Float32Array | Float64Array

/** fft.js instances hold only twiddle tables, so one per size is shared by every RealFft of that size. */
const engines = new Map<number, FFT>()

function engineFor(size: number): FFT {
  let e = engines.get(size)
  if (!e) {
    e = new FFT(size)
    engines.set(size, e)
  }
  return e
}

/** True for 2, 4, 8, ... (fft.js is radix-2/4 only; size 1 has no spectrum worth taking). */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0
}

/** Refuses a transform size that is not a power of two, naming it as `what`. */
export function assertPowerOfTwo(n: number, what = 'FFT size'): void {
  if (!isPowerOfTwo(n)) throw new UserError(`${what} ${n} is not a power of two (2, 4, 8, ...)`)
}

/**
 * Real forward / inverse DFT of one power-of-two size over fft.js, with its own scratch buffers so
 * nothing is allocated per call. Unnormalised forward, 1/N inverse (numpy.fft.rfft / irfft).
 */
export class RealFft {
  /** Transform length N. */
  readonly size: number
  /** Spectrum length N/2 + 1. */
  readonly bins: number
  private readonly engine: FFT
  private readonly cin: Float64Array
  private readonly cout: Float64Array
  private spare: { zeros: Float64Array; discard: Float64Array } | null = null

  constructor(size: number) {
    assertPowerOfTwo(size)
    this.size = size
    this.bins = size / 2 + 1
    this.engine = engineFor(size)
    this.cin = new Float64Array(2 * size)
    this.cout = new Float64Array(2 * size)
  }

  /** Spectrum of `input[0..N)` into `re/im[offset .. offset+bins)`. */
  forward(input: Real, re: Real, im: Real, offset = 0): void {
    const out = this.cout
    this.engine.realTransform(out, input)
    for (let k = 0; k < this.bins; k++) {
      re[offset + k] = out[2 * k]!
      im[offset + k] = out[2 * k + 1]!
    }
  }

  /**
   * Spectra of two real frames at once: one complex transform of z = a + i b, split by the
   * symmetry A[k] = (Z[k] + conj Z[N-k]) / 2, B[k] = (Z[k] - conj Z[N-k]) / 2i.
   */
  forwardPair(
    a: Real, reA: Real, imA: Real, offA: number,
    b: Real, reB: Real, imB: Real, offB: number
  ): void {
    const n = this.size
    const z = this.cin
    for (let i = 0; i < n; i++) {
      z[2 * i] = a[i]!
      z[2 * i + 1] = b[i]!
    }
    const out = this.cout
    this.engine.transform(out, z)
    for (let k = 0; k < this.bins; k++) {
      const m = (n - k) % n
      const zr = out[2 * k]!
      const zi = out[2 * k + 1]!
      const wr = out[2 * m]!
      const wi = out[2 * m + 1]!
      reA[offA + k] = 0.5 * (zr + wr)
      imA[offA + k] = 0.5 * (zi - wi)
      reB[offB + k] = 0.5 * (zi + wi)
      imB[offB + k] = 0.5 * (wr - zr)
    }
  }

  /**
   * Inverse of two Hermitian half-spectra at once: packs Z = X1 + i X2 into one complex inverse, whose
   * real and imaginary parts are the two real signals (half the work of two separate inverses).
   * The imaginary parts of the DC and Nyquist bins are ignored, as numpy.fft.irfft does.
   */
  inversePair(
    re1: Real, im1: Real, off1: number, out1: Real,
    re2: Real, im2: Real, off2: number, out2: Real
  ): void {
    const n = this.size
    const half = n / 2
    const z = this.cin
    for (let k = 0; k <= half; k++) {
      const edge = k === 0 || k === half
      const a = re1[off1 + k]!
      const b = edge ? 0 : im1[off1 + k]!
      const c = re2[off2 + k]!
      const d = edge ? 0 : im2[off2 + k]!
      // Z[k] = (a + ib) + i (c + id); Z[N-k] = conj(a + ib) + i conj(c + id)
      z[2 * k] = a - d
      z[2 * k + 1] = b + c
      if (!edge) {
        const m = n - k
        z[2 * m] = a + d
        z[2 * m + 1] = c - b
      }
    }
    const out = this.cout
    this.engine.inverseTransform(out, z)
    for (let i = 0; i < n; i++) {
      out1[i] = out[2 * i]!
      out2[i] = out[2 * i + 1]!
    }
  }

  /** Real signal of one Hermitian half-spectrum `re/im[offset .. offset+bins)` into `out[0..N)`. */
  inverse(re: Real, im: Real, out: Real, offset = 0): void {
    // The partner of the pair is an all-zero spectrum whose (zero) signal is thrown away.
    this.spare ??= { zeros: new Float64Array(this.bins), discard: new Float64Array(this.size) }
    const { zeros, discard } = this.spare
    this.inversePair(re, im, offset, out, zeros, zeros, 0, discard)
  }
}

const shared = new Map<number, RealFft>()

/** Shared RealFft of `size` for one-off transforms (synchronous use only: it owns scratch buffers). */
export function realFft(size: number): RealFft {
  let f = shared.get(size)
  if (!f) {
    f = new RealFft(size)
    shared.set(size, f)
  }
  return f
}
