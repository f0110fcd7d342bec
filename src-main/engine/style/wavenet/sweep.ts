/**
 * Coordinate descent over a relaxed one-hot input, as the report proposed it and could not run
 * (Foote, Yang, Rohaninejad 2016: one TensorFlow variable per timestep). Here one tensor holds the
 * whole input: logits [1, T, q], the relaxed one-hot being softmax(logits / tau). A sweep visits
 * blocks of B samples in order; each block gets K gradient steps on its own logits (the rest held
 * fixed, at their one-hot projections), then is projected to one-hot by argmax, and the sweep
 * moves on.
 *
 * The relaxation and the steps (both settings). 'softmax': the network runs on softmax(logits / tau)
 * and Adam descends it; 'straight-through' (Bengio et al. 2013): the network runs on the block's
 * argmax one-hot and the gradient is taken through softmax(logits / tau), with plain gradient steps
 * scaled so the steepest logit moves by the rate (Adam moves every logit by about its rate, so all
 * the block's samples flip together). A relaxed optimum's projection can be worse than the start
 * (measured on a random tiny model: the relaxed loss halved while the projected one rose by half),
 * so every block measures the exact one-hot loss of its projections (straight-through: each step's;
 * softmax: the end's) and keeps the best, its start among them: no block can raise the loss, and a
 * sweep is a descent on the one-hot objective itself. Measured (docs/wavenet-style.md): Adam on
 * softmax ends lowest on trained models (the default); straight-through on the random tiny one.
 *
 * The arithmetic that keeps a step cheap. Changing inputs [s, s + B) changes the activations of a
 * layer with receptive field R only at outputs [s, e), e = min(T, s + B + R - 1); and those outputs
 * need inputs from lo = max(0, s - R + 1). So a step runs the network forward and backward over
 * e - lo <= B + 2(R - 1) samples instead of T, and the losses are assembled from
 *   Gram sum   = (sum over outputs outside [s, e): held fixed) + (sum over [s, e): live)
 *   content SE = (outside: held fixed) + (inside: live)
 * where "held fixed" is the clip's stats minus the window's stats at the block's start (objective.ts
 * Stats), and after projection the window's new stats are added back. For T = 16,000 (1 s at
 * 16 kHz), B = 1024 and the target model (R = 2048) a step costs about 5,100 samples of
 * network against 16,000; the saving grows with the clip's length. The clip's stats are measured
 * whole once per sweep, so rounding in the running sums cannot build up.
 */
import { performance } from 'node:perf_hooks'
import { tf } from '../../tf'
import { createRng } from '../../../util/random'
import type { Milliseconds, Samples } from '../../../util/units'
import { throwIfCancelled } from '../progress'
import { chunkRanges, clipStats, combineStats, disposeStats, lossTensors, lossValues, oneHotRows, stretchStats, windowActivations, type InputRows, type Losses, type Objective, type Stats } from './objective'

/**
 * Logit of a block's current level when its descent starts: softmax puts 0.18 of the mass on it
 * (e^4 / (e^4 + 255)), so Adam at 0.5 can move another level past it within ~4 steps, and a plain
 * step at 4 (the steepest logit's move) flips the steepest samples at once. Blocks outside the
 * descent hold PROJECTED: softmax is one-hot to float32 precision
 * (e^-100 underflows), so they enter every window as exact one-hots.
 */
const INIT_LOGIT = 4
const PROJECTED_LOGIT = 100

/** How a sweep runs. */
export interface SweepSettings {
  /** Samples per block (B). */
  block: Samples
  /** Gradient steps per block (K). */
  steps: number
  /** Passes over the whole clip. */
  sweeps: number
  /** Step size on the logits: Adam's rate, or the steepest logit's move per plain gradient step. */
  learningRate: number
  /** Softmax temperature of the relaxation. */
  tau: number
  /** 'adam', or 'gradient': plain steps scaled so the steepest logit moves by the learning rate. */
  optimizer: 'adam' | 'gradient'
  /** 'softmax' or 'straight-through' (see the file comment). */
  relaxation: 'straight-through' | 'softmax'
  /** Start from the content's levels, or from seeded uniformly random levels (white noise in mu-law). */
  init: 'content' | 'noise'
  seed: number
}

/** What a sweep hands back. */
export interface SweepResult {
  /** The output's mu-law levels, [T]. */
  levels: Int32Array
  /** Losses of the (one-hot) start and of the output. */
  before: Losses
  after: Losses
  /** Total loss of the whole clip after each block, in visiting order (never above the one before). */
  blockLosses: number[]
  /** Blocks whose descent found no projection better than their start, and so kept it. */
  blocksKept: number
  /** Wall time of each block (its K steps, projection and stats update). */
  blockMs: Milliseconds[]
  /** Input samples the network ran over per step, at most (B + 2(R - 1), clipped to T). */
  windowSamples: Samples
  /** The smallest largest probability of the final relaxed input over all samples: 1 when every block was projected to one-hot. */
  minPeak: number
}

/** Progress per block, and the cancel signal checked at every step. */
export interface SweepHooks {
  onBlock?(done: number, total: number, loss: number): void
  signal?: AbortSignal
}

/** The start levels: the content's, or seeded uniformly random ones. */
function startLevels(content: Int32Array, q: number, s: SweepSettings): Int32Array {
  if (s.init === 'content') return Int32Array.from(content)
  const rng = createRng(s.seed)
  return Int32Array.from(content, () => Math.min(q - 1, Math.floor(rng.uniform() * q)))
}

/** `logit` on each of `levels`, 0 elsewhere: [1, n, q]. */
const levelLogits = (levels: Int32Array, q: number, logit: number): tf.Tensor3D => tf.tidy(() => tf.oneHot(tf.tensor1d(levels, 'int32'), q).toFloat().mul(logit).expandDims(0) as tf.Tensor3D)

/** A variable holding `t`'s values; `t` is disposed (tf.variable shares its data but leaves it counted as a live tensor). */
function variableOf(t: tf.Tensor, trainable: boolean): tf.Variable {
  const v = tf.variable(t, trainable)
  t.dispose()
  return v
}

/** argmax over the levels of logits [1, n, q]: [n]. */
function argmaxLevels(logits: tf.Tensor): Int32Array {
  const t = tf.tidy(() => tf.argMax(logits, -1).reshape([-1]))
  const out = Int32Array.from(t.dataSync())
  t.dispose()
  return out
}

/**
 * The straight-through relaxed one-hot of logits [1, n, q]: forward the argmax one-hot, backward
 * the Jacobian of softmax(logits / tau), dL/dz = p * (g - sum(g * p)) / tau.
 */
function straightThrough(tau: number): (logits: tf.Tensor) => tf.Tensor {
  return tf.customGrad(((logits: tf.Tensor, save: tf.GradSaveFunc) => {
    const p = tf.softmax(tf.div(logits, tau))
    save([p])
    const q = logits.shape[logits.shape.length - 1]!
    return {
      value: tf.oneHot(tf.argMax(logits, -1), q).toFloat(),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [pp] = saved as [tf.Tensor]
        return tf.div(tf.mul(pp, tf.sub(dy, tf.sum(tf.mul(dy, pp), -1, true))), tau)
      }
    }
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (logits: tf.Tensor) => tf.Tensor
}

/**
 * Runs the sweeps (see the file comment) for `content`'s mu-law levels against `obj`'s targets.
 * Deterministic for a seed on one backend. Throws the standard JobCancelled error when `signal` fires;
 * leaves no tensor behind either way.
 */
export function sweep(obj: Objective, content: Int32Array, q: number, s: SweepSettings, hooks: SweepHooks = {}): SweepResult {
  const T = content.length
  const start0 = startLevels(content, q, s)
  const logits = variableOf(levelLogits(start0, q, PROJECTED_LOGIT), false)
  const relaxed: InputRows = (lo, hi) => tf.tidy(() => tf.softmax(tf.div(logits.slice([0, lo, 0], [1, hi - lo, q]), s.tau)) as tf.Tensor3D)
  const blocks = Math.ceil(T / s.block)
  const total = blocks * s.sweeps
  const blockLosses: number[] = []
  const blockMs: Milliseconds[] = []
  let blocksKept = 0
  let state: Stats | null = null
  try {
    let before: Losses | null = null
    for (let pass = 0; pass < s.sweeps; pass++) {
      if (state) disposeStats(state)
      // Measured whole once per sweep, so rounding in the running sums cannot build up.
      state = clipStats(obj, relaxed)
      before ??= lossValues(obj, state)
      for (let start = 0; start < T; start += s.block) {
        throwIfCancelled(hooks.signal)
        const t0 = performance.now()
        const r = descendBlock({ obj, logits, relaxed, q, s, signal: hooks.signal }, state, start, Math.min(s.block, T - start))
        state = r.state
        if (r.kept) blocksKept++
        blockLosses.push(r.total)
        blockMs.push(performance.now() - t0)
        hooks.onBlock?.(blockLosses.length, total, r.total)
      }
    }
    const levels = argmaxLevels(logits)
    // In chunks: a whole-clip softmax would copy the [1, T, q] input once more.
    const minPeak = Math.min(...chunkRanges(T).map(([from, to]) => tf.tidy(() => tf.min(tf.max(relaxed(from, to), -1)).dataSync()[0]!)))
    const exact = clipStats(obj, oneHotRows(levels, q))
    const after = lossValues(obj, exact)
    disposeStats(exact)
    return { levels, before: before!, after, blockLosses, blocksKept, blockMs, windowSamples: Math.min(T, s.block + 2 * (obj.reach - 1)), minPeak }
  } finally {
    if (state) disposeStats(state)
    logits.dispose()
  }
}

/** One Adam step on `v`; returns the loss before it. */
function adamStep(optimizer: tf.Optimizer, f: () => tf.Scalar, v: tf.Variable): number {
  const cost = optimizer.minimize(f, true, [v])!
  const total = cost.dataSync()[0]!
  cost.dispose()
  return total
}

/** One plain gradient step on `v`, scaled so its largest element moves by `rate`; returns the loss before it. */
function gradientStep(f: () => tf.Scalar, v: tf.Variable, rate: number): number {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(f, [v])
    const g = grads[v.name]!
    const top = tf.max(tf.abs(g))
    v.assign(tf.sub(v, tf.mul(g, tf.div(rate, tf.maximum(top, 1e-30)))))
    return value.dataSync()[0]!
  })
}

/** What every block's descent shares. */
interface Descent {
  obj: Objective
  logits: tf.Variable
  relaxed: InputRows
  q: number
  s: SweepSettings
  signal: AbortSignal | undefined
}

/**
 * K gradient steps on the logits of [start, start + b), then its projection (the best one met, see the
 * file comment); returns the clip's new stats (the old `state` is disposed), the clip's total loss,
 * and whether the block kept its start.
 */
function descendBlock(d: Descent, state: Stats, start: Samples, b: Samples): { state: Stats; total: number; kept: boolean } {
  const { obj, logits, relaxed, q, s } = d
  const T = obj.length
  const lo = Math.max(0, start - obj.reach + 1)
  const end = Math.min(T, start + b + obj.reach - 1)
  // The clip's stats without the window's outputs: held fixed during the block's steps.
  const window = stretchStats(obj, relaxed, start, end)
  const rest = combineStats(state, window, -1)
  disposeStats(window)
  disposeStats(state)
  const left = relaxed(lo, start)
  const right = relaxed(start + b, end)
  const current = logits.slice([0, start, 0], [1, b, q])
  const startLevels = argmaxLevels(current)
  current.dispose()
  const block = variableOf(levelLogits(startLevels, q, INIT_LOGIT), true)
  const target = obj.contentTarget.slice([start, 0], [end - start, obj.contentTarget.shape[1]])
  const relax = s.relaxation === 'straight-through' ? straightThrough(s.tau) : (z: tf.Tensor) => tf.softmax(tf.div(z, s.tau))
  // The clip's total loss with the block's input `x` [1, b, q] in place.
  const loss = (x: tf.Tensor): tf.Scalar => {
    const input = tf.concat([left, x as tf.Tensor3D, right].filter((p) => p.shape[1] !== 0), 1)
    const [a, ...f] = windowActivations(obj.features, obj.global, input, start - lo)
    const grams = f.map((fl, i) => tf.add(rest.grams[i]!, tf.matMul(fl, fl, true, false)) as tf.Tensor2D)
    const contentSq = tf.add(rest.contentSq, tf.sum(tf.squaredDifference(a!, target))) as tf.Scalar
    return lossTensors(obj, grams, contentSq).total
  }
  const exactLoss = (levels: Int32Array): number => tf.tidy(() => loss(levelLogits(levels, q, 1)).dataSync()[0]!)
  const optimizer = tf.train.adam(s.learningRate)
  try {
    // Candidates: the start and each projection met. Straight-through steps measure theirs as they
    // go (the forward pass is the projection's); with softmax only the start and the end are measured.
    let best = { levels: startLevels, total: exactLoss(startLevels) }
    for (let k = 0; k < s.steps; k++) {
      throwIfCancelled(d.signal)
      const levels = s.relaxation === 'straight-through' && k > 0 ? argmaxLevels(block) : null
      const total = s.optimizer === 'adam' ? adamStep(optimizer, () => loss(relax(block)), block) : gradientStep(() => loss(relax(block)), block, s.learningRate)
      if (levels && total < best.total) best = { levels, total }
    }
    const last = argmaxLevels(block)
    const lastTotal = exactLoss(last)
    if (lastTotal < best.total) best = { levels: last, total: lastTotal }
    // Projection: the chosen levels, as one-hot logits, into the whole input.
    tf.tidy(() => {
      const parts = [logits.slice([0, 0, 0], [1, start, q]), levelLogits(best.levels, q, PROJECTED_LOGIT), logits.slice([0, start + b, 0], [1, T - start - b, q])].filter((p) => p.shape[1] !== 0)
      logits.assign(tf.concat(parts, 1))
    })
    const fresh = stretchStats(obj, relaxed, start, end)
    const next = combineStats(rest, fresh, 1)
    disposeStats(fresh)
    return { state: next, total: best.total, kept: best.levels === startLevels }
  } finally {
    optimizer.dispose()
    tf.dispose([left, right, block, target])
    disposeStats(rest)
  }
}
