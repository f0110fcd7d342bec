/**
 * The per-sample arithmetic of fast WaveNet generation, planned as a few batched products over the
 * model's weights repacked once (`planWavenet`), stepped for B streams together (`WavenetBatch`):
 *   input conv   a table read per tap (one-hot x kernel is a row; an embedding is folded into it);
 *   each layer   one fused [fw * residual -> filter | gate] product over the stacked taps, then one
 *                fused [dilation -> residual | skip] product (the 1x1s read z once);
 *   output       skip biases summed once, ReLU, two 1x1 products, softmax.
 * Weights are packed in blocks of 8 outputs, input-major inside a block ([N/8][K][8]), so the inner
 * loop reads them contiguously and each input value once per 8 outputs; streams loop inside a
 * block, two at a time, so each weight block is fetched once per step for all B streams (matrix x
 * matrix) and each loaded weight serves two.
 * Local conditioning's per-layer term is recomputed only when its upsampled value changes (once
 * per frame under repetition, every sample under a learned transposed conv).
 * Weights are float32; sums and state are float64 (JS numbers). The wasm SIMD kernel
 * (wavenet-wasm.ts, simd/wavenet-step.c) runs the same plan in float32 ~6x faster; this one is its
 * fallback where WebAssembly SIMD is missing, and its reference in the tests.
 */
import type { FastWavenet } from './wavenet-fast'

/** Outputs per packed block: 8 accumulators fit in registers with room for a second stream's 8. */
const BLOCK = 8

/** A [K, N] matrix packed as [ceil(N / BLOCK)][K][BLOCK] (see the file's note), zeros past N. */
export interface Packed {
  k: number
  n: number
  w: Float32Array
}

/** Packs the matrix with element (i, o) = at(i, o), i < k inputs, o < n outputs. */
export function pack(k: number, n: number, at: (i: number, o: number) => number): Packed {
  const blocks = Math.ceil(n / BLOCK)
  const w = new Float32Array(blocks * k * BLOCK)
  for (let b = 0; b < blocks; b++)
    for (let i = 0; i < k; i++)
      for (let j = 0; j < BLOCK; j++) {
        const o = b * BLOCK + j
        if (o < n) w[(b * k + i) * BLOCK + j] = at(i, o)
      }
  return { k, n, w }
}

/** Block sums of one product, reused so that nothing is allocated per call. */
const sums = new Float64Array(2 * BLOCK)

/** out[at + j] = bias[biasAt + j] + sums[from + j] for the outputs of a block that exist (j < count). */
function store(out: Float64Array, at: number, bias: Float64Array, biasAt: number, from: number, count: number): void {
  for (let j = 0; j < count; j++) out[at + j] = bias[biasAt + j]! + sums[from + j]!
}

/**
 * out[s][o] = bias[s][o] + sum_i x[s][i] * m(i, o) for streams s < batch; rows of out, x and bias
 * are outStride, xStride and biasStride apart (biasStride 0: one bias for all streams). Streams go
 * in pairs, so each weight loaded serves two (in V8, ~2 GMAC/s against ~1.7 one at a time).
 */
export function product(m: Packed, batch: number, x: Float64Array, xStride: number, out: Float64Array, outStride: number, bias: Float64Array, biasStride: number): void {
  const { k, n, w } = m
  for (let b = 0; b * BLOCK < n; b++) {
    const base = b * k * BLOCK
    const o = b * BLOCK
    const count = Math.min(BLOCK, n - o)
    let s = 0
    for (; s + 1 < batch; s += 2) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0 // prettier-ignore
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0 // prettier-ignore
      const xa = s * xStride
      const xc = xa + xStride
      for (let i = 0, p = base; i < k; i++, p += BLOCK) {
        const v = x[xa + i]!
        const u = x[xc + i]!
        let q = w[p]!
        a0 += v * q
        c0 += u * q
        q = w[p + 1]!
        a1 += v * q
        c1 += u * q
        q = w[p + 2]!
        a2 += v * q
        c2 += u * q
        q = w[p + 3]!
        a3 += v * q
        c3 += u * q
        q = w[p + 4]!
        a4 += v * q
        c4 += u * q
        q = w[p + 5]!
        a5 += v * q
        c5 += u * q
        q = w[p + 6]!
        a6 += v * q
        c6 += u * q
        q = w[p + 7]!
        a7 += v * q
        c7 += u * q
      }
      sums[0] = a0; sums[1] = a1; sums[2] = a2; sums[3] = a3; sums[4] = a4; sums[5] = a5; sums[6] = a6; sums[7] = a7 // prettier-ignore
      sums[8] = c0; sums[9] = c1; sums[10] = c2; sums[11] = c3; sums[12] = c4; sums[13] = c5; sums[14] = c6; sums[15] = c7 // prettier-ignore
      store(out, s * outStride + o, bias, s * biasStride + o, 0, count)
      store(out, (s + 1) * outStride + o, bias, (s + 1) * biasStride + o, BLOCK, count)
    }
    if (s < batch) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0 // prettier-ignore
      const xa = s * xStride
      for (let i = 0, p = base; i < k; i++, p += BLOCK) {
        const v = x[xa + i]!
        a0 += v * w[p]!
        a1 += v * w[p + 1]!
        a2 += v * w[p + 2]!
        a3 += v * w[p + 3]!
        a4 += v * w[p + 4]!
        a5 += v * w[p + 5]!
        a6 += v * w[p + 6]!
        a7 += v * w[p + 7]!
      }
      sums[0] = a0; sums[1] = a1; sums[2] = a2; sums[3] = a3; sums[4] = a4; sums[5] = a5; sums[6] = a6; sums[7] = a7 // prettier-ignore
      store(out, s * outStride + o, bias, s * biasStride + o, 0, count)
    }
  }
}

/** One dilated layer, repacked. */
interface PlannedLayer {
  dilation: number
  /** [filterWidth * residual -> 2 * dilation]: filter outputs first, then gate. */
  filterGate: Packed
  /** Filter and gate biases, [2 * dilation]. */
  filterGateBias: Float64Array
  /** [global -> 2 * dilation], when the model has global conditioning. */
  global?: Packed
  /** [local -> 2 * dilation], when the model has local conditioning. */
  local?: Packed
  /** [dilation -> residual | skip] (residual outputs absent on the last layer). */
  out: Packed
  /** Residual outputs of `out` (0 on the last layer). */
  residual: number
  /** Residual bias [residual] (empty on the last layer). */
  residualBias: Float64Array
}

/** A compiled WaveNet's weights laid out for batched stepping. */
export interface WavenetPlan {
  net: FastWavenet
  /** Per input tap k: [quantization][residual], the input conv's contribution of each level. */
  inputTable: Float64Array[]
  inputBias: Float64Array
  layers: PlannedLayer[]
  /** Every layer's skip bias, summed (the skip path is linear until its ReLU). */
  skipBias: Float64Array
  post1: Packed
  post1Bias: Float64Array
  post2: Packed
  post2Bias: Float64Array
  /** Learned local upsampling: per output tap k < hop, the Conv2DTranspose's [local -> local] matrix (the wasm kernel's). */
  upsample?: Packed[]
}

/** Repacks a compiled WaveNet (once per model; see the file's note). */
export function planWavenet(net: FastWavenet): WavenetPlan {
  const { residualChannels: rc, dilationChannels: dc, skipChannels: sc, filterWidth: fw, initialFilterWidth: iw } = net
  const q = net.sig.quantization
  const emb = net.embedding
  const inWidth = emb ? emb.length / q : q
  const inputTable = Array.from({ length: iw }, (_, k) => {
    const table = new Float64Array(q * rc)
    for (let level = 0; level < q; level++)
      for (let o = 0; o < rc; o++) {
        let v = 0
        if (emb) for (let i = 0; i < inWidth; i++) v += emb[level * inWidth + i]! * net.inputKernel[(k * inWidth + i) * rc + o]!
        else v = net.inputKernel[(k * q + level) * rc + o]!
        table[level * rc + o] = v
      }
    return table
  })
  const skipBias = new Float64Array(sc)
  const layers = net.layers.map((l): PlannedLayer => {
    for (let o = 0; o < sc; o++) skipBias[o]! += l.skipBias[o]!
    const halves = (f: Float32Array, g: Float32Array, k: number): Packed => pack(k, 2 * dc, (i, o) => (o < dc ? f[i * dc + o]! : g[i * dc + o - dc]!))
    const residual = l.denseKernel ? rc : 0
    return {
      dilation: l.dilation,
      filterGate: halves(l.filterKernel, l.gateKernel, fw * rc),
      filterGateBias: Float64Array.from([...l.filterBias, ...l.gateBias]),
      global: l.filterGlobal && l.gateGlobal ? halves(l.filterGlobal, l.gateGlobal, net.sig.globalChannels) : undefined,
      local: l.filterLocal && l.gateLocal ? halves(l.filterLocal, l.gateLocal, net.sig.localChannels) : undefined,
      out: pack(dc, residual + sc, (i, o) => (o < residual ? l.denseKernel![i * rc + o]! : l.skipKernel[i * sc + o - residual]!)),
      residual,
      residualBias: Float64Array.from(l.denseBias ?? [])
    }
  })
  return {
    net,
    inputTable,
    inputBias: Float64Array.from(net.inputBias),
    layers,
    skipBias,
    post1: pack(sc, sc, (i, o) => net.post1Kernel[i * sc + o]!),
    post1Bias: Float64Array.from(net.post1Bias),
    post2: pack(sc, q, (i, o) => net.post2Kernel[i * q + o]!),
    post2Bias: Float64Array.from(net.post2Bias),
    upsample: upsampleTaps(net)
  }
}

/** The learned upsampling's kernel [hop, 1, out, in] as one packed [in -> out] matrix per tap. */
function upsampleTaps(net: FastWavenet): Packed[] | undefined {
  const kernel = net.upsampleKernel
  if (!kernel) return undefined
  const c = net.sig.localChannels
  return Array.from({ length: net.sig.localHop }, (_, k) => pack(c, c, (i, o) => kernel[(k * c + o) * c + i]!))
}

/** Beyond this, the rational tanh below is clamped: its value there is 1 within 2.6e-7. */
const TANH_CLAMP = 7.90531110763549805

/**
 * tanh as a [13/6] odd rational minimax fit (the coefficients of Eigen's float tanh), within
 * 2.6e-7 of Math.tanh everywhere (4 float32 ulps at 1, below what the float32 model passes add):
 * a third of the cost of Math.tanh, and sigmoid comes from it too. Why: 2 x 640 calls per sample.
 */
function tanh(v: number): number {
  const x = v > TANH_CLAMP ? TANH_CLAMP : v < -TANH_CLAMP ? -TANH_CLAMP : v
  const x2 = x * x
  const p = x * (4.89352455891786e-3 + x2 * (6.37261928875436e-4 + x2 * (1.48572235717979e-5 + x2 * (5.12229709037114e-8 + x2 * (-8.60467152213735e-11 + x2 * (2.00018790482477e-13 + x2 * -2.76076847742355e-16))))))
  return p / (4.89352518554385e-3 + x2 * (2.26843463243900e-3 + x2 * (1.18534705686654e-4 + x2 * 1.19825839466702e-6)))
}

/** tanh(f) * sigmoid(g), with sigmoid(g) = (1 + tanh(g / 2)) / 2. */
export function gated(f: number, g: number): number {
  return tanh(f) * (0.5 + 0.5 * tanh(0.5 * g))
}

/**
 * Per layer, per stream ([batch][2 * dilation]): the filter and gate biases plus the global
 * conditioning's term, constant for a whole generation (so folded into the bias once).
 */
export function conditioningBias(plan: WavenetPlan, batch: number, global: ArrayLike<number>[] | undefined): Float64Array[] {
  const dc = plan.net.dilationChannels
  const g = global ? Float64Array.from(global.flatMap((v) => Array.from(v))) : undefined
  return plan.layers.map((l) => {
    const bias = new Float64Array(batch * 2 * dc)
    if (g && l.global) product(l.global, batch, g, l.global.k, bias, 2 * dc, l.filterGateBias, 0)
    else for (let s = 0; s < batch; s++) bias.set(l.filterGateBias, s * 2 * dc)
    return bias
  })
}

/**
 * Whether the local conditioning's upsampled value can change at position t: every position under a
 * learned transposed conv, only at frame starts under repetition.
 */
export function localChangesAt(net: FastWavenet, t: number): boolean {
  return net.upsampleKernel !== undefined || t % net.sig.localHop === 0
}

/**
 * The upsampled local conditioning of every stream at position t, into `into` ([batch][localChannels]):
 * frame floor(t / hop) repeated, or output tap t mod hop of the learned Conv2DTranspose.
 */
export function upsampleLocal(net: FastWavenet, local: Float32Array[], t: number, into: Float32Array | Float64Array): void {
  const { sig, upsampleKernel, upsampleBias } = net
  const c = sig.localChannels
  const frame = Math.floor(t / sig.localHop)
  const k = t % sig.localHop
  local.forEach((l, s) => {
    const from = frame * c
    if (!upsampleKernel) {
      for (let i = 0; i < c; i++) into[s * c + i] = l[from + i]!
      return
    }
    // Conv2DTranspose, kernel [hop, 1, out, in]: output tap k = t mod hop of frame floor(t / hop).
    for (let o = 0; o < c; o++) {
      let v = upsampleBias![o]!
      for (let i = 0; i < c; i++) v += upsampleKernel[(k * c + o) * c + i]! * l[from + i]!
      into[s * c + o] = v
    }
  })
}

/** B streams stepped together, one level each per step (the JS kernel below, or the wasm SIMD one). */
export interface WavenetStepper {
  /** Per stream, the probabilities of the next level after the last step: [batch][quantization]. */
  readonly probs: Float32Array
  /** Feeds one level per stream at the next position; the next levels' probabilities land in `probs`. */
  step(levelOf: ArrayLike<number>): void
  /** Releases what the stepper holds (its wasm instance); it is not stepped again. */
  dispose(): void
}

/**
 * B streams stepped in lockstep, one sample each per step; allocates nothing per step. Each layer
 * keeps a ring of its last (filterWidth - 1) * dilation + 1 inputs per stream.
 */
export class WavenetBatch implements WavenetStepper {
  /** Per stream, the probabilities of the next level after the last step: [batch][quantization]. */
  readonly probs: Float32Array
  private t = 0
  private readonly levels: Int32Array
  private readonly rings: Float64Array[]
  private readonly x: Float64Array
  private readonly taps: Float64Array
  private readonly fg: Float64Array
  private readonly z: Float64Array
  private readonly rs: Float64Array
  private readonly skip: Float64Array
  private readonly hidden: Float64Array
  private readonly logits: Float64Array
  /** A zero bias as wide as any product's outputs (read, never written). */
  private readonly zeros: Float64Array
  /** Per layer, per stream: filter/gate bias plus the global conditioning's constant term. */
  private readonly condBias: Float64Array[]
  private readonly localFrame?: Float64Array
  /** Per layer, the local conditioning's term [batch][2 * dilation], recomputed when the upsampled value changes. */
  private readonly localFg?: Float64Array[]

  /** `global[s]` and `local[s]` (frames x channels, row-major) as checkGeneration accepted them. */
  constructor(
    readonly plan: WavenetPlan,
    readonly batch: number,
    global: ArrayLike<number>[] | undefined,
    private readonly local: Float32Array[] | undefined
  ) {
    const net = plan.net
    const { residualChannels: rc, dilationChannels: dc, skipChannels: sc, filterWidth: fw, initialFilterWidth: iw } = net
    const q = net.sig.quantization
    this.probs = new Float32Array(batch * q)
    this.levels = new Int32Array(batch * iw)
    this.rings = plan.layers.map((l) => new Float64Array(batch * ((fw - 1) * l.dilation + 1) * rc))
    this.x = new Float64Array(batch * rc)
    this.taps = new Float64Array(batch * fw * rc)
    this.fg = new Float64Array(batch * 2 * dc)
    this.z = new Float64Array(batch * dc)
    const widest = Math.max(...plan.layers.map((l) => l.out.n))
    this.rs = new Float64Array(batch * widest)
    this.skip = new Float64Array(batch * sc)
    this.hidden = new Float64Array(batch * sc)
    this.logits = new Float64Array(batch * q)
    this.zeros = new Float64Array(Math.max(widest, 2 * dc))
    this.condBias = conditioningBias(plan, batch, global)
    if (local) {
      this.localFrame = new Float64Array(batch * net.sig.localChannels)
      this.localFg = plan.layers.map(() => new Float64Array(batch * 2 * dc))
    }
  }

  /** Nothing to release: the JS kernel's arrays are ordinary garbage. */
  dispose(): void {}

  /** Feeds one level per stream at the next position; the next levels' probabilities land in `probs`. */
  step(levelOf: ArrayLike<number>): void {
    const { plan, batch: B } = this
    const net = plan.net
    const { residualChannels: rc, dilationChannels: dc, skipChannels: sc, filterWidth: fw, initialFilterWidth: iw } = net
    const q = net.sig.quantization
    const t = this.t++
    const { x, taps, fg, z, rs, skip } = this
    // The causal input conv: a table row per tap.
    for (let s = 0; s < B; s++) this.levels[s * iw + (t % iw)] = levelOf[s]!
    for (let s = 0; s < B; s++) {
      for (let o = 0; o < rc; o++) x[s * rc + o] = plan.inputBias[o]!
      for (let k = 0; k < iw; k++) {
        const pos = t - (iw - 1) + k
        if (pos < 0) continue
        const table = plan.inputTable[k]!
        const row = this.levels[s * iw + (pos % iw)]! * rc
        for (let o = 0; o < rc; o++) x[s * rc + o]! += table[row + o]!
      }
    }
    const fgw = 2 * dc
    if (this.local && localChangesAt(net, t)) {
      upsampleLocal(net, this.local, t, this.localFrame!)
      plan.layers.forEach((l, li) => product(l.local!, B, this.localFrame!, l.local!.k, this.localFg![li]!, fgw, this.zeros, 0))
    }
    skip.fill(0)
    for (let li = 0; li < plan.layers.length; li++) {
      const l = plan.layers[li]!
      const ring = this.rings[li]!
      const len = (fw - 1) * l.dilation + 1
      // Push x, then stack the taps [x(t - (fw-1)d), ..., x(t)] per stream (zeros before the start).
      const slot = (t % len) * rc
      for (let s = 0; s < B; s++) {
        const r = s * len * rc
        for (let o = 0; o < rc; o++) ring[r + slot + o] = x[s * rc + o]!
        for (let k = 0; k < fw; k++) {
          const pos = t - (fw - 1 - k) * l.dilation
          const to = (s * fw + k) * rc
          if (pos < 0) for (let o = 0; o < rc; o++) taps[to + o] = 0
          else {
            const from = r + (pos % len) * rc
            for (let o = 0; o < rc; o++) taps[to + o] = ring[from + o]!
          }
        }
      }
      product(l.filterGate, B, taps, fw * rc, fg, fgw, this.condBias[li]!, fgw)
      if (this.localFg) {
        const lf = this.localFg[li]!
        for (let i = 0; i < B * fgw; i++) fg[i]! += lf[i]!
      }
      for (let s = 0; s < B; s++) for (let o = 0; o < dc; o++) z[s * dc + o] = gated(fg[s * fgw + o]!, fg[s * fgw + dc + o]!)
      const n = l.out.n
      product(l.out, B, z, dc, rs, n, this.zeros, 0)
      const res = l.residual
      for (let s = 0; s < B; s++) {
        for (let o = 0; o < res; o++) x[s * rc + o]! += rs[s * n + o]! + l.residualBias[o]!
        for (let o = 0; o < sc; o++) skip[s * sc + o]! += rs[s * n + res + o]!
      }
    }
    for (let s = 0; s < B; s++) for (let o = 0; o < sc; o++) skip[s * sc + o] = Math.max(0, skip[s * sc + o]! + plan.skipBias[o]!)
    product(plan.post1, B, skip, sc, this.hidden, sc, plan.post1Bias, 0)
    for (let i = 0; i < B * sc; i++) this.hidden[i] = Math.max(0, this.hidden[i]!)
    product(plan.post2, B, this.hidden, sc, this.logits, q, plan.post2Bias, 0)
    for (let s = 0; s < B; s++) {
      const at = s * q
      let max = -Infinity
      for (let o = 0; o < q; o++) max = Math.max(max, this.logits[at + o]!)
      let sum = 0
      for (let o = 0; o < q; o++) sum += this.logits[at + o] = Math.exp(this.logits[at + o]! - max)
      for (let o = 0; o < q; o++) this.probs[at + o] = this.logits[at + o]! / sum
    }
  }
}
