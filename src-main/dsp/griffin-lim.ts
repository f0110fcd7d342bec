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
  // work holds mag * e^(i angle): the spectrogram whose inverse is the current estimate.
  const work = allocSpectrogram(frames, bins)
  initSpectrogram(mag, work, opts)
  let cur = allocSpectrogram(frames, bins)
  let prev = allocSpectrogram(frames, bins)
  const signal = new Float32Array(length)
  const targetNorm = frobenius(mag)

  for (let it = 0; it < opts.iterations; it++) {
    plan.inverse(work, length, signal)
    plan.forward(signal, cur)
    // An all-zero target is met exactly by the all-zero signal: report 0 rather than 0 / 0.
    if (opts.onIteration) opts.onIteration(it, targetNorm > 0 ? magnitudeError(mag, cur) / targetNorm : 0)
    const { re, im } = cur
    const pr = prev.re
    const pi = prev.im
    const wr = work.re
    const wi = work.im
    for (let i = 0; i < n; i++) {
      const tr = re[i]! + momentum * (re[i]! - pr[i]!)
      const ti = im[i]! + momentum * (im[i]! - pi[i]!)
      const r = Math.sqrt(tr * tr + ti * ti)
      // A zero bin has no phase to keep: take angle 0 so the magnitude survives the next round.
      if (r > 0) {
        const k = mag[i]! / r
        wr[i] = tr * k
        wi[i] = ti * k
      } else {
        wr[i] = mag[i]!
        wi[i] = 0
      }
    }
    const swap = prev
    prev = cur
    cur = swap
  }
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

/** work = mag * e^(i phase0), phase0 from opts.initPhase or seeded uniform random. */
function initSpectrogram(mag: Float32Array, work: Spectrogram, opts: GriffinLimOptions): void {
  const ph = opts.initPhase
  if (ph) {
    if (ph.length !== mag.length) throw new UserError(`initPhase has ${ph.length} values, expected ${mag.length}`)
    assertFiniteSignal(ph, 'initPhase')
  }
  const rng = createRng(opts.seed ?? 0)
  for (let i = 0; i < mag.length; i++) {
    const a = ph ? ph[i]! : 2 * Math.PI * rng.uniform()
    work.re[i] = mag[i]! * Math.cos(a)
    work.im[i] = mag[i]! * Math.sin(a)
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
