import { UserError } from '../util/errors'
import { createRng } from '../util/random'
import { allocSpectrogram, type Spectrogram, type StftParams } from './stft'
import { createStftPlan, type StftPlan } from './stft-plan'
import { assertFiniteSignal, assertIntegerIn } from './validate'

/** Options of griffinLim: the STFT geometry the magnitude came from, and the iteration controls. */
export interface GriffinLimOptions extends StftParams {
  iterations: number
  /** 0 = plain Griffin-Lim; default 0.99 = fast Griffin-Lim (Perraudin, Balazs & Sondergaard 2013). */
  momentum?: number
  /** Initial phase in radians, frames x bins; else seeded uniform random phase. */
  initPhase?: Float32Array
  seed?: number
  /** Output length in samples (must give `frames` frames); default the STFT's natural length. */
  length?: number
  /** Called after each iteration with the spectral convergence of that iteration's signal. */
  onIteration?: (i: number, spectralConvergence: number) => void
}

/** Default momentum: the value Perraudin et al. recommend and librosa uses. */
const DEFAULT_MOMENTUM = 0.99

/**
 * A signal whose STFT magnitude approaches `mag` (frames x bins, frame-major): alternates the
 * magnitude constraint and STFT consistency, with the fast variant's momentum on the consistent
 * spectrogram, t_n = c_n + momentum (c_n - c_{n-1}).
 */
export function griffinLim(mag: Float32Array, frames: number, bins: number, opts: GriffinLimOptions): Float32Array {
  const plan = createStftPlan(opts)
  checkShape(mag, frames, bins, plan, 'magnitude')
  assertFiniteSignal(mag, 'magnitude')
  assertIntegerIn(opts.iterations, 0, 100_000, 'iterations')
  const momentum = opts.momentum ?? DEFAULT_MOMENTUM
  // Momentum >= 1 makes the extrapolation diverge; negative values have no meaning here.
  if (!Number.isFinite(momentum) || momentum < 0 || momentum >= 1) {
    throw new UserError(`momentum ${momentum} is not in [0, 1)`)
  }
  const length = opts.length ?? plan.defaultLength(frames)
  if (!Number.isInteger(length) || length < 1 || plan.frameCount(length) !== frames) {
    throw new UserError(`length ${length} does not give ${frames} frames with hop ${plan.hop}`)
  }

  const n = frames * bins
  const angRe = new Float32Array(n)
  const angIm = new Float32Array(n)
  initAngles(angRe, angIm, opts)

  const work = allocSpectrogram(frames, bins)
  let cur = allocSpectrogram(frames, bins)
  let prev = allocSpectrogram(frames, bins)
  const signal = new Float32Array(length)
  const targetNorm = frobenius(mag)

  for (let it = 0; it < opts.iterations; it++) {
    applyMagnitude(mag, angRe, angIm, work)
    plan.inverse(work, length, signal)
    plan.forward(signal, cur)
    if (opts.onIteration) opts.onIteration(it, magnitudeError(mag, cur) / targetNorm)
    const { re, im } = cur
    const pr = prev.re
    const pi = prev.im
    for (let i = 0; i < n; i++) {
      const tr = re[i]! + momentum * (re[i]! - pr[i]!)
      const ti = im[i]! + momentum * (im[i]! - pi[i]!)
      const r = Math.sqrt(tr * tr + ti * ti)
      // A zero bin has no phase to keep: take angle 0 so the magnitude survives the next round.
      if (r > 0) {
        angRe[i] = tr / r
        angIm[i] = ti / r
      } else {
        angRe[i] = 1
        angIm[i] = 0
      }
    }
    const swap = prev
    prev = cur
    cur = swap
  }
  applyMagnitude(mag, angRe, angIm, work)
  return plan.inverse(work, length, signal)
}

/** ||target - |STFT(x)| ||_F / ||target||_F: 0 when x has exactly the target magnitude. */
export function spectralConvergence(targetMag: Float32Array, x: Float32Array, p: StftParams): number {
  const plan = createStftPlan(p)
  const s = plan.forward(x)
  checkShape(targetMag, s.frames, s.bins, plan, 'target magnitude')
  const norm = frobenius(targetMag)
  if (norm === 0) throw new UserError('target magnitude is all zero: spectral convergence is undefined')
  return magnitudeError(targetMag, s) / norm
}

function checkShape(mag: Float32Array, frames: number, bins: number, plan: StftPlan, what: string): void {
  if (bins !== plan.bins) throw new UserError(`${what} has ${bins} bins, nFft ${plan.nFft} needs ${plan.bins}`)
  if (!Number.isInteger(frames) || frames < 1) throw new UserError(`${what} frame count ${frames} is not a positive integer`)
  if (mag.length !== frames * bins) {
    throw new UserError(`${what} has ${mag.length} values, expected ${frames} x ${bins} = ${frames * bins}`)
  }
}

function initAngles(re: Float32Array, im: Float32Array, opts: GriffinLimOptions): void {
  const ph = opts.initPhase
  if (ph) {
    if (ph.length !== re.length) throw new UserError(`initPhase has ${ph.length} values, expected ${re.length}`)
    assertFiniteSignal(ph, 'initPhase')
    for (let i = 0; i < re.length; i++) {
      re[i] = Math.cos(ph[i]!)
      im[i] = Math.sin(ph[i]!)
    }
    return
  }
  const rng = createRng(opts.seed ?? 0)
  for (let i = 0; i < re.length; i++) {
    const a = 2 * Math.PI * rng.uniform()
    re[i] = Math.cos(a)
    im[i] = Math.sin(a)
  }
}

function applyMagnitude(mag: Float32Array, angRe: Float32Array, angIm: Float32Array, out: Spectrogram): void {
  for (let i = 0; i < mag.length; i++) {
    out.re[i] = mag[i]! * angRe[i]!
    out.im[i] = mag[i]! * angIm[i]!
  }
}

function magnitudeError(target: Float32Array, s: Spectrogram): number {
  let sum = 0
  for (let i = 0; i < target.length; i++) {
    const d = target[i]! - Math.sqrt(s.re[i]! * s.re[i]! + s.im[i]! * s.im[i]!)
    sum += d * d
  }
  return Math.sqrt(sum)
}

function frobenius(m: Float32Array): number {
  let sum = 0
  for (let i = 0; i < m.length; i++) sum += m[i]! * m[i]!
  return Math.sqrt(sum)
}
