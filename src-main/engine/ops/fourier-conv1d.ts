/**
 * Stride-1 1-D convolution (TensorFlow's cross-correlation) by overlap-save in the frequency
 * domain, with every transform written as a small dense matrix product so all the work runs
 * through the backend's GEMM: the fast kernel on wasm, cuBLAS on tfjs-node-gpu.
 *
 * Why: a width-r convolution costs r multiply-adds per (output frame, input channel, filter).
 * Cut the input into blocks of N frames that overlap by r - 1 and take their DFTs; per frequency
 * bin the convolution is then one complex product, [blocks, inC] x [inC, outC], so the cost per
 * output frame falls to about 4 (N/2 + 1) / (N - r + 1) real multiply-adds: 3.1 instead of 11 at
 * the texture method's r = 11 with N = 32 (timings in `npm run bench`). The transforms themselves
 * are [2M, N] x [N, ...] products on the channel axis, cheap beside the per-bin products when
 * channels and filters number in the hundreds; at the tagger's 8 taps x 32 channels they are not,
 * and fourierPlan says so (the direct im2col kernels stay). FFT libraries do not help here: the
 * transforms are 32 points long and batched over a million columns, which is a GEMM's shape.
 *
 * Layout conventions (all row-major, interleaved real/imaginary):
 * - spectra of M = N/2 + 1 bins are stacked as [2M, ...] with row 2m the real part of bin m and
 *   row 2m + 1 its imaginary part, so a [M, 2, ...] reshape splits them without a transpose;
 * - a filter bank's spectrum is M per-bin matrices G_m = [Re W_m; Im W_m] of shape [2 inC, outC].
 *
 * Frames are rows: x is [width, inC], filters [taps, inC, outC], output [outWidth, outC].
 */
import * as tf from '@tensorflow/tfjs-core'

/** How a convolution of `taps` taps is blocked: DFT length N, outputs per block L = N - taps + 1. */
export interface FourierPlan {
  taps: number
  /** DFT length (even). */
  n: number
  /** Valid outputs per block: n - taps + 1 (at least taps - 1, so overlap-add tails do not collide). */
  step: number
  /** Frequency bins kept: n / 2 + 1. */
  bins: number
}

/**
 * The plan for `taps` taps, or undefined when the direct convolution costs less. N is the power of
 * two >= 2 taps (N = 32 at 11 taps: blocks of 22 outputs, 17 bins). Worth it when the per-bin
 * products, 4 M / L multiply-adds per output, are at most half the direct r, and the channels are
 * wide enough (inC x outC >= 64 x 64) for the transforms to stay a small share. `force` gives the
 * plan whatever the cost (tests, benches).
 */
export function fourierPlan(taps: number, inC: number, outC: number, force = false): FourierPlan | undefined {
  if (!Number.isInteger(taps) || taps < 2) return undefined
  let n = 4
  while (n < 2 * taps) n *= 2
  const plan = { taps, n, step: n - taps + 1, bins: n / 2 + 1 }
  if (force) return plan
  const perOutput = (4 * plan.bins) / plan.step
  return perOutput <= taps / 2 && inC * outC >= 64 * 64 ? plan : undefined
}

/** Blocks needed to cover `outputs` outputs. */
function blockCount(plan: FourierPlan, outputs: number): number {
  return Math.ceil(outputs / plan.step)
}

/**
 * Forward real DFT of length-`len` columns (zero beyond len) into the interleaved [2M, len]
 * layout: row 2m = cos(2 pi m t / N), row 2m + 1 = -sin(2 pi m t / N).
 */
function dftMatrix(plan: FourierPlan, len: number): tf.Tensor2D {
  const m2 = 2 * plan.bins
  const out = new Float32Array(m2 * len)
  for (let m = 0; m < plan.bins; m++) {
    for (let t = 0; t < len; t++) {
      const phase = (2 * Math.PI * ((m * t) % plan.n)) / plan.n
      out[2 * m * len + t] = Math.cos(phase)
      out[(2 * m + 1) * len + t] = -Math.sin(phase)
    }
  }
  return tf.tensor2d(out, [m2, len])
}

/**
 * Inverse real DFT onto samples 0..len-1 from the interleaved half spectrum, [len, 2M]:
 * x[t] = (1/N) (X_0 + (-1)^t X_{N/2} + 2 sum_{0<m<N/2} (Re X_m cos - Im X_m sin)).
 */
function inverseMatrix(plan: FourierPlan, len: number): tf.Tensor2D {
  const m2 = 2 * plan.bins
  const half = plan.n / 2
  const out = new Float32Array(len * m2)
  for (let t = 0; t < len; t++) {
    for (let m = 0; m < plan.bins; m++) {
      const weight = (m === 0 || m === half ? 1 : 2) / plan.n
      const phase = (2 * Math.PI * ((m * t) % plan.n)) / plan.n
      out[t * m2 + 2 * m] = weight * Math.cos(phase)
      out[t * m2 + 2 * m + 1] = -weight * Math.sin(phase)
    }
  }
  return tf.tensor2d(out, [len, m2])
}

/**
 * The spectrum of a filter bank w [taps, inC, outC] (or its [taps * inC, outC] flattening):
 * M matrices [2 inC, outC]. The caller owns them (FilterSpectrum.dispose). Computed once per
 * bank: the texture method keeps its fixed random filters this way.
 */
export class FilterSpectrum {
  readonly perBin: tf.Tensor2D[]
  private constructor(
    readonly plan: FourierPlan,
    readonly inC: number,
    readonly outC: number,
    perBin: tf.Tensor2D[]
  ) {
    this.perBin = perBin
  }

  /** A spectrum from per-bin matrices made earlier (they stay owned by the caller). */
  static fromBins(plan: FourierPlan, inC: number, outC: number, perBin: tf.Tensor2D[]): FilterSpectrum {
    if (perBin.length !== plan.bins || perBin.some((g) => g.shape[0] !== 2 * inC || g.shape[1] !== outC)) {
      throw new Error(`fourier conv: expected ${plan.bins} bins of [${2 * inC}, ${outC}]`)
    }
    return new FilterSpectrum(plan, inC, outC, perBin)
  }

  static of(w: tf.Tensor, inC: number, outC: number, plan: FourierPlan): FilterSpectrum {
    if (w.size !== plan.taps * inC * outC) {
      throw new Error(`fourier conv: filter has ${w.size} values, expected ${plan.taps} x ${inC} x ${outC}`)
    }
    const perBin = tf.tidy(() => {
      // [2M, taps] . [taps, inC * outC]: one product for every bin; row pair (2m, 2m+1) is bin m.
      const spec = tf.matMul(dftMatrix(plan, plan.taps), tf.reshape(w, [plan.taps, inC * outC]))
      return tf.split(spec, plan.bins, 0).map((pair) => tf.reshape(pair, [2 * inC, outC]) as tf.Tensor2D)
    })
    return new FilterSpectrum(plan, inC, outC, perBin)
  }

  dispose(): void {
    tf.dispose(this.perBin)
  }
}

/**
 * Overlapping blocks of the (already padded) input xp [rows, C] in transform order: [N, nb * C]
 * with entry (t, b * C + c) = xp[b * L + t, c] (zero past the end). Block b is rows [bL, bL + L)
 * followed by the first taps - 1 rows of block b + 1 (taps - 1 <= L), so slices and a concat
 * build it: no gather.
 */
function blockColumns(xp: tf.Tensor2D, plan: FourierPlan, nb: number): tf.Tensor2D {
  const channels = xp.shape[1]
  const rows = (nb + 1) * plan.step
  const fitted = rows >= xp.shape[0] ? tf.pad(xp, [[0, rows - xp.shape[0]], [0, 0]]) : tf.slice(xp, [0, 0], [rows, channels])
  const steps = tf.reshape(fitted, [nb + 1, plan.step, channels])
  const heads = tf.slice(steps, [0, 0, 0], [nb, plan.step, channels])
  const tails = tf.slice(steps, [1, 0, 0], [nb, plan.n - plan.step, channels])
  return tf.reshape(tf.transpose(tf.concat([heads, tails], 1), [1, 0, 2]), [plan.n, nb * channels])
}

/**
 * The per-bin input matrices A_m = [[Re S_m, Im S_m], [Im S_m, -Re S_m]], [M, 2nb, 2C], from the
 * interleaved block spectrum [2M, nb * C]. A_m . G_m gives [Re; Im] of S_m conj(W_m), the
 * spectrum of the cross-correlation; A_m^T . [Re D; Im D] gives that of the filter gradient.
 */
function inputBlocks(spec: tf.Tensor2D, plan: FourierPlan, nb: number, channels: number): tf.Tensor3D {
  const s = tf.reshape(spec, [plan.bins, 2, nb * channels])
  const part = (i: number): tf.Tensor3D => tf.reshape(tf.slice(s, [0, i, 0], [plan.bins, 1, nb * channels]), [plan.bins, nb, channels])
  const re = part(0)
  const im = part(1)
  return tf.concat([tf.concat([re, im], 2), tf.concat([im, tf.neg(re)], 2)], 1) as tf.Tensor3D
}

/** Zero rows before and after: the explicit padding of a 'same', 'valid' or causal convolution. */
export type RowPadding = readonly [number, number]

function padRows(x: tf.Tensor2D, [before, after]: RowPadding): tf.Tensor2D {
  return before === 0 && after === 0 ? x : tf.pad(x, [[before, after], [0, 0]])
}

/** Output width of a stride-1 convolution of `width` frames padded by `padding`. */
export function outputWidth(plan: FourierPlan, width: number, padding: RowPadding): number {
  return width + padding[0] + padding[1] - plan.taps + 1
}

/**
 * The input side of a convolution, analysed once: the per-bin block matrices A_m stacked as
 * [M, 2nb, 2C] for `outputs` outputs. The forward pass and the filter gradient both start from
 * it, so a training step computes it once (conv1d saves it from forward to backward).
 */
export class InputSpectrum {
  private constructor(
    readonly plan: FourierPlan,
    /** Outputs the blocks cover. */
    readonly outputs: number,
    /** [M, 2nb, 2C]. */
    readonly blocks: tf.Tensor3D
  ) {}

  /** x [width, C] padded by `padding`; the caller owns the result (dispose, or a tidy). */
  static of(x: tf.Tensor2D, plan: FourierPlan, padding: RowPadding = [0, 0]): InputSpectrum {
    const outputs = outputWidth(plan, x.shape[0], padding)
    if (outputs < 1) throw new Error(`fourier conv: input width ${x.shape[0]} is shorter than the filter's ${plan.taps} taps`)
    const blocks = tf.tidy(() => {
      const nb = blockCount(plan, outputs)
      const spec = tf.matMul(dftMatrix(plan, plan.n), blockColumns(padRows(x, padding), plan, nb)) as tf.Tensor2D
      return inputBlocks(spec, plan, nb, x.shape[1])
    })
    return new InputSpectrum(plan, outputs, blocks)
  }

  /** Blocks made earlier (saved by a forward pass); they stay owned by the caller. */
  static fromBlocks(plan: FourierPlan, outputs: number, blocks: tf.Tensor3D): InputSpectrum {
    if (blocks.shape[0] !== plan.bins || blocks.shape[1] !== 2 * blockCount(plan, outputs)) {
      throw new Error(`fourier conv: expected blocks [${plan.bins}, ${2 * blockCount(plan, outputs)}, *], got [${blocks.shape.join(', ')}]`)
    }
    return new InputSpectrum(plan, outputs, blocks)
  }

  /** Blocks per bin. */
  get nb(): number {
    return this.blocks.shape[1] / 2
  }

  /** Input channels. */
  get channels(): number {
    return this.blocks.shape[2] / 2
  }

  dispose(): void {
    this.blocks.dispose()
  }
}

/** y = conv(x, w): x [width, inC], result [outWidth, outC]. */
export function fourierConv(x: tf.Tensor2D, w: FilterSpectrum, padding: RowPadding = [0, 0]): tf.Tensor2D {
  return tf.tidy(() => fourierConvOf(InputSpectrum.of(x, w.plan, padding), w))
}

/** y = conv(x, w) from x's analysed spectrum: [outWidth, outC]. */
export function fourierConvOf(xs: InputSpectrum, w: FilterSpectrum): tf.Tensor2D {
  return tf.tidy(() => {
    const plan = w.plan
    if (xs.plan.n !== plan.n || xs.plan.taps !== plan.taps || xs.channels !== w.inC) {
      throw new Error(
        `fourier conv: input spectrum (${xs.plan.taps} taps, N ${xs.plan.n}, ${xs.channels} channels) does not fit the filters (${plan.taps} taps, N ${plan.n}, ${w.inC} channels)`
      )
    }
    const { outputs, nb } = xs
    const a = tf.unstack(xs.blocks) as tf.Tensor2D[]
    // Per bin [2nb, 2C] . [2C, outC] = [Re Y_m; Im Y_m] for every block; stacked [2M, nb * outC].
    const products = a.map((am, m) => tf.matMul(am, w.perBin[m]!))
    const spec = tf.reshape(tf.stack(products), [2 * plan.bins, nb * w.outC])
    const blocks = tf.matMul(inverseMatrix(plan, plan.step), spec) // [L, nb * outC]
    const frames = tf.reshape(tf.transpose(tf.reshape(blocks, [plan.step, nb, w.outC]), [1, 0, 2]), [nb * plan.step, w.outC])
    return tf.slice(frames, [0, 0], [outputs, w.outC]) as tf.Tensor2D
  })
}

/**
 * The input gradient (the convolution's adjoint): dy [outWidth, outC] -> dx [width, inC]. Each
 * block of L output gradients, zero-padded to N, convolves (no wrap: L + taps - 1 = N) with the
 * filters; the blocks' N-frame results are overlap-added.
 */
export function fourierConvInputGrad(dy: tf.Tensor2D, w: FilterSpectrum, width: number, padding: RowPadding = [0, 0]): tf.Tensor2D {
  return tf.tidy(() => {
    const plan = w.plan
    const outputs = dy.shape[0]
    if (outputs !== outputWidth(plan, width, padding)) {
      throw new Error(`fourier conv: gradient has ${outputs} frames, expected ${outputWidth(plan, width, padding)}`)
    }
    const nb = blockCount(plan, outputs)
    const { inC, outC } = w
    const dSpec = tf.matMul(dftMatrix(plan, plan.step), blockRows(dy, plan, nb)) // [2M, nb * outC]
    // B_m = [Re D_m^T | Im D_m^T], [outC, 2nb]: the packed operand of G_m . B_m stays small.
    const b = tf.unstack(tf.reshape(tf.transpose(tf.reshape(dSpec, [plan.bins, 2, nb, outC]), [0, 3, 1, 2]), [plan.bins, outC, 2 * nb]))
    // G_m . B_m = [[Wr Dr^T, Wr Di^T], [Wi Dr^T, Wi Di^T]]; the product W_m D_m (no conjugate).
    const q = tf.reshape(tf.stack(b.map((bm, m) => tf.matMul(w.perBin[m]!, bm))), [plan.bins, 2, inC, 2, nb])
    const part = (i: number, j: number): tf.Tensor => tf.squeeze(tf.slice(q, [0, i, 0, j, 0], [plan.bins, 1, inC, 1, nb]), [1, 3])
    const re = tf.sub(part(0, 0), part(1, 1))
    const im = tf.add(part(0, 1), part(1, 0))
    const spec = tf.reshape(tf.stack([re, im], 1), [2 * plan.bins, inC * nb])
    const blocks = tf.matMul(inverseMatrix(plan, plan.n), spec) // [N, inC * nb]
    const perBlock = tf.transpose(tf.reshape(blocks, [plan.n, inC, nb]), [2, 0, 1]) as tf.Tensor3D // [nb, N, inC]
    const dxp = overlapAdd(perBlock, plan, nb, inC)
    return tf.slice(dxp, [padding[0], 0], [width, inC]) as tf.Tensor2D
  })
}

/** dy [outputs, C] as zero-padded blocks of L rows in transform order: [L, nb * C]. */
function blockRows(dy: tf.Tensor2D, plan: FourierPlan, nb: number): tf.Tensor2D {
  const channels = dy.shape[1]
  const padded = tf.pad(dy, [[0, nb * plan.step - dy.shape[0]], [0, 0]])
  return tf.reshape(tf.transpose(tf.reshape(padded, [nb, plan.step, channels]), [1, 0, 2]), [plan.step, nb * channels])
}

/**
 * Sums blocks [nb, N, C] placed every L rows: [(nb - 1) L + N, C]. Each block is its first L rows
 * plus a tail of N - L = taps - 1 <= L rows that lands on the next block's head.
 */
function overlapAdd(blocks: tf.Tensor3D, plan: FourierPlan, nb: number, channels: number): tf.Tensor2D {
  const tail = plan.n - plan.step
  const heads = tf.reshape(tf.slice(blocks, [0, 0, 0], [nb, plan.step, channels]), [nb * plan.step, channels])
  const tails = tf.slice(blocks, [0, plan.step, 0], [nb, tail, channels])
  const spread = tf.reshape(tf.pad(tails, [[0, 0], [0, plan.step - tail], [0, 0]]), [nb * plan.step, channels])
  const total = nb * plan.step + tail
  return tf.add(tf.pad(heads, [[0, tail], [0, 0]]), tf.slice(tf.pad(spread, [[plan.step, 0], [0, 0]]), [0, 0], [total, channels])) as tf.Tensor2D
}

/**
 * The filter gradient: x [width, inC], dy [outWidth, outC] -> dw [taps, inC, outC]. Per bin the
 * blocks' cross-spectra S_m^T conj(D_m) are summed by one product (A_m^T . [Re D; Im D]), then
 * the inverse DFT evaluates only the taps.
 */
export function fourierConvFilterGrad(x: tf.Tensor2D, dy: tf.Tensor2D, plan: FourierPlan, padding: RowPadding = [0, 0]): tf.Tensor3D {
  return tf.tidy(() => fourierConvFilterGradOf(InputSpectrum.of(x, plan, padding), dy))
}

/** The filter gradient from x's analysed spectrum (as the forward pass made it). */
export function fourierConvFilterGradOf(xs: InputSpectrum, dy: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const { plan, outputs, nb } = xs
    const inC = xs.channels
    const outC = dy.shape[1]
    if (dy.shape[0] !== outputs) throw new Error(`fourier conv: gradient has ${dy.shape[0]} frames, expected ${outputs}`)
    const a = tf.unstack(xs.blocks) as tf.Tensor2D[]
    const dSpec = tf.reshape(tf.matMul(dftMatrix(plan, plan.step), blockRows(dy, plan, nb)), [plan.bins, 2 * nb, outC])
    const d = tf.unstack(dSpec) as tf.Tensor2D[]
    // A_m^T [2C, 2nb] . [Re D_m; Im D_m] [2nb, outC] = [Re; Im] of S_m^T conj(D_m): [2C, outC].
    const cross = tf.reshape(tf.stack(a.map((am, m) => tf.matMul(am, d[m]!, true, false))), [2 * plan.bins, inC * outC])
    return tf.reshape(tf.matMul(inverseMatrix(plan, plan.taps), cross), [plan.taps, inC, outC])
  })
}
