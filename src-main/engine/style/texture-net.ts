import { tf } from '../tf'
import { createRng } from '../../util/random'
import { FilterSpectrum, fourierConv, fourierConvInputGrad, fourierPlan } from '../ops/fourier-conv1d'

/**
 * The random-filter network of Ulyanov & Lebedev (2016): one fixed 1-D convolution over time
 * (width K, N filters, He-style init) on a log1p-magnitude spectrogram, then ReLU.
 *
 * Layout: a spectrogram is a [T, F] tensor (frames x bins). The convolution runs one of two ways:
 * - `fourier` (the default at the method's sizes: 11 taps, 1025 bins, thousands of filters):
 *   overlap-save through the filters' spectrum, computed once (ops/fourier-conv1d.ts), about
 *   3.5x fewer multiply-adds than the direct form. The spectrum takes 17 x 2 / 11 = 3.1 times
 *   the filters' memory, and the filters themselves are not kept.
 * - `direct`: im2col + one plain matMul, U = unfold(X) [T-K+1, K*F], Z = U @ W [T-K+1, N], and
 *   the adjoint fold(dZ @ W^T) against a pre-transposed copy of W (on wasm, transposed matMul,
 *   what autodiff emits, runs 10x slower than a plain one). Used where the Fourier plan does not
 *   pay (few filters or taps), and by tests as the reference.
 */
export interface TextureNet {
  kernel: number
  bins: number
  filters: number
  conv: 'fourier' | 'direct'
  /** Pre-activations Z = conv(X, W) ('valid'): [T, F] -> [T-K+1, N]. */
  project(x: tf.Tensor2D): tf.Tensor2D
  /** The convolution's adjoint: dZ [T-K+1, N] -> dX [T, F]. */
  adjoint(dZ: tf.Tensor2D): tf.Tensor2D
  dispose(): void
}

/** A direct-form net also exposes its filter bank. */
export interface DirectTextureNet extends TextureNet {
  conv: 'direct'
  /** [K*F, N] filter bank; row k*F + f holds W[k, f, :]. */
  w: tf.Tensor2D
  /** [N, K*F] = w transposed once, for the adjoint. */
  wT: tf.Tensor2D
}

/** Which convolution a net uses: 'auto' picks Fourier where fourierPlan says it saves work. */
export type TextureConv = 'auto' | 'fourier' | 'direct'

/**
 * Builds the fixed random filters from a seed: same seed, same filters, on any backend.
 * `columns` [from, to) keeps only those filters of the full bank (one shard of a bank split across
 * threads): the whole random stream is drawn either way, so shards are exact slices of the bank.
 */
export function createTextureNet(
  bins: number,
  filters: number,
  kernel: number,
  seed: number,
  columns: readonly [number, number] = [0, filters],
  conv: TextureConv = 'auto'
): TextureNet {
  const [from, to] = columns
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from < to && to <= filters)) {
    throw new Error(`texture net: filter columns [${from}, ${to}) are not inside 0..${filters}`)
  }
  // He-style scale used by Ulyanov & Lebedev's reference: sqrt(2) * sqrt(2 / ((F + N) * K)).
  const std = Math.SQRT2 * Math.sqrt(2 / ((bins + filters) * kernel))
  const rng = createRng(seed)
  const width = to - from
  const rows = kernel * bins
  const values = new Float32Array(rows * width)
  for (let r = 0; r < rows; r++) {
    const at = r * width - from
    for (let n = 0; n < filters; n++) {
      const v = rng.normal() * std
      if (n >= from && n < to) values[at + n] = v
    }
  }
  const plan = fourierPlan(kernel, bins, width, conv === 'fourier')
  if (conv !== 'direct' && plan !== undefined) {
    const w = tf.tensor2d(values, [rows, width])
    const spectrum = FilterSpectrum.of(w, bins, width, plan)
    w.dispose()
    return {
      kernel,
      bins,
      filters: width,
      conv: 'fourier',
      project: (x) => fourierConv(x, spectrum),
      adjoint: (dZ) => fourierConvInputGrad(dZ, spectrum, dZ.shape[0] + kernel - 1),
      dispose: () => spectrum.dispose()
    }
  }
  return directNet(tf.tensor2d(values, [rows, width]), kernel, bins)
}

/** A direct-form net over the filter bank w [K*F, N] (takes ownership of w). */
function directNet(w: tf.Tensor2D, kernel: number, bins: number): DirectTextureNet {
  const wT = tf.tidy(() => tf.transpose(w) as tf.Tensor2D)
  return {
    kernel,
    bins,
    filters: w.shape[1],
    conv: 'direct',
    w,
    wT,
    project: (x) => tf.tidy(() => tf.matMul(unfold(x, kernel), w)),
    adjoint: (dZ) => tf.tidy(() => fold(tf.matMul(dZ, wT), kernel, bins)),
    dispose() {
      w.dispose()
      wT.dispose()
    }
  }
}

/** im2col over time: [T, F] -> [T-K+1, K*F]; column k*F + f of row t is X[t+k, f]. */
export function unfold(x: tf.Tensor2D, kernel: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [frames, bins] = x.shape
    const out = frames - kernel + 1
    const parts: tf.Tensor2D[] = []
    for (let k = 0; k < kernel; k++) parts.push(tf.slice(x, [k, 0], [out, bins]))
    return tf.concat(parts, 1)
  })
}

/**
 * Adjoint of unfold: [T-K+1, K*F] -> [T, F], summing every copy back onto its frame.
 * On the CPU-memory backends (wasm, cpu) this is one pass in JS: tfjs has no col2im op, and the
 * composed form (K strided slices, pads and adds) took 330 ms per call on wasm at the default shape,
 * a fifth of a whole iteration; the loop takes a few ms. GPU backends keep the composed form, so
 * the data stays on the device.
 */
export function fold(d: tf.Tensor2D, kernel: number, bins: number): tf.Tensor2D {
  const backend = tf.getBackend()
  return backend === 'wasm' || backend === 'cpu' ? foldOnHost(d, kernel, bins) : foldComposed(d, kernel, bins)
}

/** fold from tfjs ops (slices, pads, adds): keeps the data on a GPU backend. */
export function foldComposed(d: tf.Tensor2D, kernel: number, bins: number): tf.Tensor2D {
  return tf.tidy(() => {
    const out = d.shape[0]
    let acc: tf.Tensor2D | null = null
    for (let k = 0; k < kernel; k++) {
      const part = tf.pad(tf.slice(d, [0, k * bins], [out, bins]), [
        [k, kernel - 1 - k],
        [0, 0]
      ]) as tf.Tensor2D
      acc = acc === null ? part : (tf.add(acc, part) as tf.Tensor2D)
    }
    return acc as tf.Tensor2D
  })
}

/** fold as one pass over host memory (wasm and cpu keep tensors there). */
export function foldOnHost(d: tf.Tensor2D, kernel: number, bins: number): tf.Tensor2D {
  const rows = d.shape[0]
  const src = d.dataSync() as Float32Array
  const out = new Float32Array((rows + kernel - 1) * bins)
  const width = kernel * bins
  for (let t = 0; t < rows; t++) {
    for (let k = 0; k < kernel; k++) {
      const from = t * width + k * bins
      const to = (t + k) * bins
      for (let f = 0; f < bins; f++) out[to + f]! += src[from + f]!
    }
  }
  return tf.tensor2d(out, [rows + kernel - 1, bins])
}

/** Pre-activations Z = conv(X, W) ('valid'), [T-K+1, N], by the net's own route. */
export function preActivations(net: TextureNet, x: tf.Tensor2D): tf.Tensor2D {
  return net.project(x)
}

/** Activations relu(Z), [T-K+1, N]. */
export function activations(net: TextureNet, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.relu(preActivations(net, x)))
}

/** Unnormalised Gram A^T A, [N, N] (explicit transpose: the fast path on wasm). */
export function gramSum(a: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(tf.transpose(a), a))
}

/**
 * The style target, in one of two equivalent forms:
 * - `gram`: Gs = S^T S / Ts, [N, N]. Memory N^2 whatever the style's length (it is accumulated
 *   chunk by chunk); each loss evaluation costs about 4 T N^2 FLOPs, or 2 T N (N + 2 T) when the
 *   content window is short (2 T < N; see textureLossAndGrad).
 * - `features`: the style activations S themselves, [Ts, N] (and S^T). By the kernel trick
 *   ||A^T A / T - Gs||^2 = ||A A^T||^2 / T^2 - 2 ||A S^T||^2 / (T Ts) + ||Gs||^2, every product is
 *   T x T or T x Ts instead of N x N: about 4 T N (T + Ts) FLOPs, five times less at the default
 *   sizes (N = 4096 filters, 10 s clips). Used when the style is short enough to keep S.
 */
export type StyleTarget =
  | { kind: 'gram'; gram: tf.Tensor2D; gramNormSq: number }
  | { kind: 'features'; acts: tf.Tensor2D; actsT: tf.Tensor2D; gramNormSq: number }

/** Targets of one optimisation: the style (Gram or activations) and the content activations. */
export interface TextureTargets {
  style: StyleTarget
  /** Content activations, or null for pure texture synthesis (alpha = 0). */
  contentActs: tf.Tensor2D | null
  /** Content weight alpha. */
  alpha: number
}

/**
 * The sum of a tensor's entries, accurate to float64: the device sums each row (float32, short
 * runs: relative error about sqrt(cols) x 6e-8 for same-signed terms) and the host adds the row
 * sums in float64. tf.sum on wasm accumulates in float32, which over millions of entries loses
 * about 1e-3 relative.
 */
export function sumOnHost(m: tf.Tensor): number {
  const rows = tf.tidy(() => (m.rank < 2 ? tf.reshape(m, [-1]) : tf.sum(m, m.rank - 1)).dataSync())
  let total = 0
  for (let i = 0; i < rows.length; i++) total += rows[i]!
  return total
}

/** Builds a `features` style target from style activations S (takes ownership of `acts`). */
export function featureStyleTarget(acts: tf.Tensor2D): StyleTarget & { kind: 'features' } {
  const rows = acts.shape[0]
  const actsT = tf.tidy(() => tf.transpose(acts) as tf.Tensor2D)
  // ||Gs||^2 = ||S S^T||^2 / Ts^2: a Ts x Ts product instead of N x N.
  const gramNormSq = tf.tidy(() => sumOnHost(tf.square(tf.matMul(acts, actsT)))) / (rows * rows)
  return { kind: 'features', acts, actsT, gramNormSq }
}

/** Builds a `gram` style target from Gs [N, N] (takes ownership of `gram`). */
export function gramStyleTarget(gram: tf.Tensor2D): StyleTarget & { kind: 'gram' } {
  const gramNormSq = tf.tidy(() => sumOnHost(tf.square(gram)))
  return { kind: 'gram', gram, gramNormSq }
}

/** Frees the tensors of a style target. */
export function disposeStyleTarget(t: StyleTarget): void {
  if (t.kind === 'gram') t.gram.dispose()
  else tf.dispose([t.acts, t.actsT])
}

/**
 * Loss and its gradient with respect to the log-magnitude X, as in the reference implementation:
 * L = 2 alpha sum((A - Ac)^2) + 2 sum((G - Gs)^2), with A = relu(U W), G = A^T A / T'.
 * dL/dA = 4 alpha (A - Ac) + 8 A (G - Gs) / T'; dL/dX = conv^T(dL/dA * [Z > 0]) (net.adjoint).
 * With a `features` target the same loss and gradient come from T' x T' and T' x Ts products:
 * A (G - Gs) = (A A^T) A / T' - (A S^T) S / Ts.
 * With a `gram` target and a content window shorter than half the filters (2 T' < N: a 20 s
 * segment against 4096 filters), G itself is never formed: A G = (A A^T) A / T',
 * ||G||^2 = ||A A^T||^2 / T'^2 and <G, Gs> = sum(A * (A Gs)) / T', so only A Gs costs T' N^2
 * (2 T' N (N + 2 T') FLOPs against 4 T' N^2; one evaluation at T' = 861, N = 4096 on wasm:
 * 3.5 s against 5.1 s).
 */
export function textureLossAndGrad(
  net: TextureNet,
  targets: TextureTargets,
  x: tf.Tensor2D
): { loss: tf.Scalar; grad: tf.Tensor2D } {
  return tf.tidy(() => {
    const z = preActivations(net, x)
    const a = tf.relu(z)
    const count = a.shape[0]
    const style = targets.style
    // The loss is a small difference of large sums (||G||^2, <G, Gs>, ||Gs||^2 agree to 1e-3 near
    // convergence), so every sum goes through sumOnHost: a float32 sum of the N x N Gram's
    // difference (16.7 M entries) reported the loss about 3 % low on wasm.
    let loss: number
    let dA: tf.Tensor2D
    if (style.kind === 'gram' && 2 * count >= a.shape[1]) {
      const gDiff = tf.sub(tf.div(gramSum(a), count), style.gram)
      loss = 2 * sumOnHost(tf.square(gDiff))
      dA = tf.mul(tf.matMul(a, gDiff), 8 / count)
    } else {
      // T' x T' forms: A G = (A A^T) A / T'; the style side is A Gs (Gram) or (A S^T) S / Ts.
      const kAA = tf.matMul(a, tf.transpose(a)) // [T', T']
      const self = sumOnHost(tf.square(kAA)) / (count * count)
      let cross: number
      let aGs: tf.Tensor2D
      if (style.kind === 'gram') {
        aGs = tf.matMul(a, style.gram) // [T', N]
        cross = sumOnHost(tf.mul(a, aGs)) / count
      } else {
        const ts = style.acts.shape[0]
        const kAS = tf.matMul(a, style.actsT) // [T', Ts]
        aGs = tf.div(tf.matMul(kAS, style.acts), ts)
        cross = sumOnHost(tf.square(kAS)) / (count * ts)
      }
      loss = 2 * (self - 2 * cross + style.gramNormSq)
      dA = tf.mul(tf.sub(tf.div(tf.matMul(kAA, a), count), aGs), 8 / count)
    }
    if (targets.contentActs !== null && targets.alpha > 0) {
      const cDiff = tf.sub(a, targets.contentActs)
      loss += 2 * targets.alpha * sumOnHost(tf.square(cDiff))
      dA = tf.add(dA, tf.mul(4 * targets.alpha, cDiff))
    }
    const dZ = tf.mul(dA, tf.step(z)) as tf.Tensor2D
    const grad = net.adjoint(dZ)
    return { loss: tf.scalar(loss), grad }
  })
}
