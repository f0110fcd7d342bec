import { tf } from '../tf'
import type { IterationCallback, LossAndGrad, MinimizeResult } from './types'

/** Options of L-BFGS; defaults follow torch.optim.LBFGS (lr 1, history 10, no line search). */
export interface LbfgsOptions {
  iterations: number
  history?: number
  learningRate?: number
  /**
   * 'none' (torch's default, and the PyTorch peer's, and this function's): take the step as computed. 'wolfe': search
   * along the direction for a step meeting the weak Wolfe conditions (sufficient decrease, and a
   * slope no longer steep), halving on overshoot and doubling while the slope stays steep; at most
   * MAX_SEARCH_EVALS evaluations per iteration. It escapes flat starts (a small-noise start on a
   * short clip) that the fixed step crawls out of over hundreds of iterations.
   */
  lineSearch?: 'none' | 'wolfe'
  onIteration?: IterationCallback
}

/** Most loss evaluations one line search may spend. */
const MAX_SEARCH_EVALS = 12
/** Sufficient-decrease and curvature constants of the Wolfe conditions (the usual values). */
const WOLFE_C1 = 1e-4
const WOLFE_C2 = 0.9

/**
 * L-BFGS with the two-loop recursion, by default with no line search, the variant torch.optim.LBFGS
 * runs by default (so results compare with the PyTorch peer at equal settings); `lineSearch: 'wolfe'`
 * adds a weak Wolfe search. tfjs has no L-BFGS, and the
 * algorithm is twenty lines over dot products, so it is written here on tensors: on a GPU backend
 * the history stays on the device and only scalars come back.
 *
 * Safeguards beyond torch: a step whose loss is not finite is undone and the run stops; a search
 * direction that is not a descent direction resets the history to steepest descent.
 */
export function minimizeLbfgs<T extends tf.Tensor>(
  f: LossAndGrad<T>,
  x0: T,
  opts: LbfgsOptions
): MinimizeResult<T> {
  const historySize = opts.history ?? 10
  const lr = opts.learningRate ?? 1
  const ss: tf.Tensor[] = []
  const ys: tf.Tensor[] = []
  const rhos: number[] = []
  const losses: number[] = []
  let x = tf.clone(x0) as T
  let { loss, grad } = f(x)
  let lossValue = loss.dataSync()[0]!
  loss.dispose()
  let prevGrad: T | null = null
  let dir: T | null = null
  let step = 0
  let stoppedEarly = false
  let iteration = 0
  const dot = (a: tf.Tensor, b: tf.Tensor): number => readScalar(() => tf.sum(tf.mul(a, b)))
  const clearHistory = (): void => {
    for (const t of [...ss, ...ys]) t.dispose()
    ss.length = 0
    ys.length = 0
    rhos.length = 0
  }

  try {
    for (iteration = 1; iteration <= opts.iterations; iteration++) {
      if (prevGrad !== null && dir !== null) {
        const y = tf.sub(grad, prevGrad)
        const s = tf.mul(dir, step)
        const ysDot = dot(y, s)
        if (ysDot > 1e-10) {
          if (ss.length === historySize) {
            ss.shift()!.dispose()
            ys.shift()!.dispose()
            rhos.shift()
          }
          ss.push(s)
          ys.push(y)
          rhos.push(1 / ysDot)
        } else {
          s.dispose()
          y.dispose()
        }
      }
      const newDir = ss.length === 0 ? (tf.neg(grad) as T) : twoLoop(grad, ss, ys, rhos, dot)
      dir?.dispose()
      dir = newDir
      let gtd = dot(grad, dir)
      if (!(gtd < 0)) {
        // Not a descent direction (numerical trouble): fall back to steepest descent.
        clearHistory()
        dir.dispose()
        dir = tf.neg(grad) as T
        gtd = dot(grad, dir)
        if (!(gtd < 0)) break // zero gradient: at a stationary point
      }
      prevGrad?.dispose()
      prevGrad = grad
      // First step scaled as torch does: min(1, 1/|g|_1) * lr, later steps lr.
      step = iteration === 1 ? Math.min(1, 1 / readScalar(() => tf.sum(tf.abs(grad)))) * lr : lr
      let next: T
      let nextGrad: T
      let nextLoss: number
      if (opts.lineSearch === 'wolfe') {
        const found = wolfeSearch(f, x, dir, step, lossValue, gtd, dot)
        if (found === null) {
          // No step decreases the loss: converged as far as float32 allows.
          grad = prevGrad
          prevGrad = null
          stoppedEarly = true
          break
        }
        ;({ x: next, grad: nextGrad, loss: nextLoss, step } = found)
      } else {
        next = tf.tidy(() => tf.add(x, tf.mul(dir!, step))) as T
        const evaluated = f(next)
        nextGrad = evaluated.grad
        nextLoss = evaluated.loss.dataSync()[0]!
        evaluated.loss.dispose()
      }
      if (!Number.isFinite(nextLoss)) {
        next.dispose()
        nextGrad.dispose()
        grad = prevGrad
        prevGrad = null
        stoppedEarly = true
        break
      }
      x.dispose()
      x = next
      grad = nextGrad
      lossValue = nextLoss
      losses.push(lossValue)
      if (opts.onIteration?.(iteration, lossValue) === false) {
        stoppedEarly = true
        break
      }
    }
  } finally {
    clearHistory()
    dir?.dispose()
    if (prevGrad !== null && prevGrad !== grad) prevGrad.dispose()
    grad.dispose()
  }
  return { x, losses, iterations: losses.length, stoppedEarly }
}

/**
 * Weak Wolfe line search along `dir` from x (loss f0, slope gtd < 0), starting at step t0: halve
 * (bisect) on insufficient decrease or a non-finite loss, double (or bisect) while the slope at
 * the trial point is still steeper than c2 * gtd. Returns the last point with sufficient
 * decrease, or null when none was found; the caller owns the returned tensors.
 */
function wolfeSearch<T extends tf.Tensor>(
  f: LossAndGrad<T>,
  x: T,
  dir: T,
  t0: number,
  f0: number,
  gtd: number,
  dot: (a: tf.Tensor, b: tf.Tensor) => number
): { x: T; grad: T; loss: number; step: number } | null {
  let lo = 0
  let hi = Number.POSITIVE_INFINITY
  let t = t0
  let best: { x: T; grad: T; loss: number; step: number } | null = null
  // Float32 losses of large sums carry rounding noise: a trial within it of f0 that still slopes
  // steeply down is taken as "not there yet" (expand), not as an overshoot (shrink).
  const noise = 1e-6 * Math.abs(f0)
  for (let k = 0; k < MAX_SEARCH_EVALS; k++) {
    const trial = tf.tidy(() => tf.add(x, tf.mul(dir, t))) as T
    const r = f(trial)
    const loss = r.loss.dataSync()[0]!
    r.loss.dispose()
    const steep = Number.isFinite(loss) && dot(r.grad, dir) < WOLFE_C2 * gtd
    const sufficient = Number.isFinite(loss) && loss <= f0 + WOLFE_C1 * t * gtd
    if (!sufficient && !(steep && loss <= f0 + noise)) {
      tf.dispose([trial, r.grad])
      hi = t
      t = (lo + hi) / 2
      continue
    }
    if (best === null || loss <= best.loss) {
      if (best !== null) tf.dispose([best.x, best.grad])
      best = { x: trial, grad: r.grad, loss, step: t }
    } else {
      tf.dispose([trial, r.grad])
    }
    if (!steep) break
    lo = t
    t = Number.isFinite(hi) ? (lo + hi) / 2 : 2 * t
  }
  return best
}

/** The two-loop recursion: approximates -H^-1 g from the stored (s, y) pairs. */
function twoLoop<T extends tf.Tensor>(
  grad: T,
  ss: tf.Tensor[],
  ys: tf.Tensor[],
  rhos: number[],
  dot: (a: tf.Tensor, b: tf.Tensor) => number
): T {
  const m = ss.length
  const alphas = new Array<number>(m)
  let q: tf.Tensor = tf.neg(grad)
  for (let i = m - 1; i >= 0; i--) {
    alphas[i] = dot(ss[i]!, q) * rhos[i]!
    const next = tf.tidy(() => tf.sub(q, tf.mul(ys[i]!, alphas[i]!)))
    q.dispose()
    q = next
  }
  // Initial Hessian scale gamma = s.y / y.y of the newest pair.
  const newest = m - 1
  const gamma = 1 / (rhos[newest]! * dot(ys[newest]!, ys[newest]!))
  let r: tf.Tensor = tf.mul(q, gamma)
  q.dispose()
  for (let i = 0; i < m; i++) {
    const beta = dot(ys[i]!, r) * rhos[i]!
    const next = tf.tidy(() => tf.add(r, tf.mul(ss[i]!, alphas[i]! - beta)))
    r.dispose()
    r = next
  }
  return r as T
}

/** Evaluates a scalar-valued expression and returns it as a number, disposing every tensor. */
function readScalar(fn: () => tf.Tensor): number {
  const t = tf.tidy(fn)
  const v = t.dataSync()[0]!
  t.dispose()
  return v
}
