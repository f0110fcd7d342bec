/**
 * Fast WaveNet generation (Paine et al., "Fast Wavenet Generation Algorithm", 2016): each layer
 * keeps a queue of its past inputs, so a new sample costs one step per layer, O(layers), instead of
 * a pass over the whole receptive field. The per-sample arithmetic runs as plain Float32Array
 * loops over the model's weights, read once: no TensorFlow.js op is dispatched per sample (each
 * costs ~10 us on wasm, and a step would need dozens).
 *
 * Same options, sampler and seeded stream as naive generation (wavenet-naive.ts), one draw per
 * sample per stream in the same order, so at temperature 0 both give the same levels.
 */
import type { LayersModel } from '../models/model-files'
import { wavenetSignature, type WavenetSignature } from '../models/wavenet'
import { checkGeneration, sampleLevel, type NaiveGenerateOptions, type NaiveGeneration } from './wavenet-naive'
import { createRng } from '../../util/random'

/** One dilated layer's weights, in the Keras layouts ([taps, in, out] / [in, out], row-major). */
interface LayerWeights {
  dilation: number
  filterKernel: Float32Array
  filterBias: Float32Array
  gateKernel: Float32Array
  gateBias: Float32Array
  filterGlobal?: Float32Array
  gateGlobal?: Float32Array
  filterLocal?: Float32Array
  gateLocal?: Float32Array
  skipKernel: Float32Array
  skipBias: Float32Array
  /** Absent on the last layer (its residual output feeds nothing). */
  denseKernel?: Float32Array
  denseBias?: Float32Array
}

/** A WaveNet's weights as plain arrays, ready for per-sample stepping. */
export interface FastWavenet {
  sig: WavenetSignature
  filterWidth: number
  initialFilterWidth: number
  residualChannels: number
  dilationChannels: number
  skipChannels: number
  /** [quantization, embeddingChannels] when the input is an embedding. */
  embedding?: Float32Array
  inputKernel: Float32Array
  inputBias: Float32Array
  /** Conv2DTranspose kernel [hop, 1, channels, channels] and bias, when local upsampling is learned. */
  upsampleKernel?: Float32Array
  upsampleBias?: Float32Array
  layers: LayerWeights[]
  post1Kernel: Float32Array
  post1Bias: Float32Array
  post2Kernel: Float32Array
  post2Bias: Float32Array
}

/** Reads a WaveNet's weights (from buildWavenet, or loaded from its files) into plain arrays. */
export function compileWavenet(model: LayersModel): FastWavenet {
  const sig = wavenetSignature(model)
  const names = new Set(model.layers.map((l) => l.name))
  const weights = (name: string): Float32Array[] => model.getLayer(name).getWeights().map((w) => w.dataSync() as Float32Array)
  const optional = (name: string): Float32Array | undefined => (names.has(name) ? weights(name)[0] : undefined)
  const shape = (name: string): number[] => model.getLayer(name).getWeights()[0]!.shape
  const layers: LayerWeights[] = []
  for (let i = 0; names.has(`layer${i}_filter`); i++) {
    const [filterKernel, filterBias] = weights(`layer${i}_filter`)
    const [gateKernel, gateBias] = weights(`layer${i}_gate`)
    const [skipKernel, skipBias] = weights(`layer${i}_skip`)
    const dense = names.has(`layer${i}_dense`) ? weights(`layer${i}_dense`) : []
    const rate = (model.getLayer(`layer${i}_filter`).getConfig() as { dilationRate: number | number[] }).dilationRate
    layers.push({
      dilation: Array.isArray(rate) ? rate[0]! : rate,
      filterKernel: filterKernel!,
      filterBias: filterBias!,
      gateKernel: gateKernel!,
      gateBias: gateBias!,
      filterGlobal: optional(`layer${i}_filter_global`),
      gateGlobal: optional(`layer${i}_gate_global`),
      filterLocal: optional(`layer${i}_filter_local`),
      gateLocal: optional(`layer${i}_gate_local`),
      skipKernel: skipKernel!,
      skipBias: skipBias!,
      denseKernel: dense[0],
      denseBias: dense[1]
    })
  }
  const [inputKernel, inputBias] = weights('input_conv')
  const [post1Kernel, post1Bias] = weights('postprocess1')
  const [post2Kernel, post2Bias] = weights('postprocess2')
  const filterShape = shape('layer0_filter')
  const learned = names.has('local_upsample') && model.getLayer('local_upsample').getWeights().length > 0
  const upsample = learned ? weights('local_upsample') : []
  return {
    sig,
    filterWidth: filterShape[0]!,
    initialFilterWidth: shape('input_conv')[0]!,
    residualChannels: filterShape[1]!,
    dilationChannels: filterShape[2]!,
    skipChannels: shape('layer0_skip')[2]!,
    embedding: optional('embedding'),
    inputKernel: inputKernel!,
    inputBias: inputBias!,
    upsampleKernel: upsample[0],
    upsampleBias: upsample[1],
    layers,
    post1Kernel: post1Kernel!,
    post1Bias: post1Bias!,
    post2Kernel: post2Kernel!,
    post2Bias: post2Bias!
  }
}

/** out += x · W for W [x.length, out.length] row-major (the Keras kernel layout). */
function addProduct(out: Float32Array, x: Float32Array, w: Float32Array, wOffset = 0): void {
  const n = out.length
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!
    if (v === 0) continue
    const row = wOffset + i * n
    for (let o = 0; o < n; o++) out[o]! += v * w[row + o]!
  }
}

/** One stream's state: each layer's input history (a ring of width (filterWidth - 1) * dilation + 1). */
class Stream {
  readonly history: Float32Array[][]
  readonly levels: number[] = []
  /** Per layer: the constant global terms of filter and gate (zeros without global conditioning). */
  readonly globalFilter: Float32Array[]
  readonly globalGate: Float32Array[]

  constructor(
    readonly net: FastWavenet,
    global: ArrayLike<number> | undefined,
    readonly local: Float32Array | undefined
  ) {
    this.history = net.layers.map((l) => Array.from({ length: (net.filterWidth - 1) * l.dilation + 1 }, () => new Float32Array(net.residualChannels)))
    const projected = (w: Float32Array | undefined): Float32Array => {
      const out = new Float32Array(net.dilationChannels)
      if (w && global) addProduct(out, Float32Array.from(global), w)
      return out
    }
    this.globalFilter = net.layers.map((l) => projected(l.filterGlobal))
    this.globalGate = net.layers.map((l) => projected(l.gateGlobal))
  }

  /** The upsampled local conditioning at position t (empty without local conditioning). */
  localAt(t: number): Float32Array | undefined {
    const { sig, upsampleKernel, upsampleBias } = this.net
    if (!this.local) return undefined
    const c = sig.localChannels
    const frame = this.local.subarray(Math.floor(t / sig.localHop) * c, (Math.floor(t / sig.localHop) + 1) * c)
    if (!upsampleKernel) return frame
    // Conv2DTranspose, kernel [hop, 1, out, in]: output tap k = t mod hop of frame floor(t / hop).
    const out = Float32Array.from(upsampleBias!)
    const k = t % sig.localHop
    for (let o = 0; o < c; o++) for (let i = 0; i < c; i++) out[o]! += upsampleKernel[(k * c + o) * c + i]! * frame[i]!
    return out
  }

  /** Feeds level `level` at position t (= levels so far); returns the next level's probabilities. */
  step(level: number): Float32Array {
    const net = this.net
    const t = this.levels.length
    this.levels.push(level)
    const rc = net.residualChannels
    const dc = net.dilationChannels
    // The causal input conv over the last initialFilterWidth levels (one-hot: a row of the kernel).
    let x = Float32Array.from(net.inputBias)
    const q = net.sig.quantization
    const emb = net.embedding
    const inWidth = emb ? emb.length / q : q
    for (let k = 0; k < net.initialFilterWidth; k++) {
      const pos = t - (net.initialFilterWidth - 1) + k
      if (pos < 0) continue
      if (emb) addProduct(x, emb.subarray(this.levels[pos]! * inWidth, (this.levels[pos]! + 1) * inWidth), net.inputKernel, k * inWidth * rc)
      else {
        const row = (k * q + this.levels[pos]!) * rc
        for (let o = 0; o < rc; o++) x[o]! += net.inputKernel[row + o]!
      }
    }
    const local = this.localAt(t)
    const skip = new Float32Array(net.skipChannels)
    const f = new Float32Array(dc)
    const g = new Float32Array(dc)
    const z = new Float32Array(dc)
    net.layers.forEach((l, i) => {
      const ring = this.history[i]!
      ring[t % ring.length]!.set(x)
      f.set(l.filterBias)
      g.set(l.gateBias)
      for (let k = 0; k < net.filterWidth; k++) {
        const pos = t - (net.filterWidth - 1 - k) * l.dilation
        if (pos < 0) continue // the model's zero padding
        const past = ring[pos % ring.length]!
        addProduct(f, past, l.filterKernel, k * rc * dc)
        addProduct(g, past, l.gateKernel, k * rc * dc)
      }
      const gf = this.globalFilter[i]!
      const gg = this.globalGate[i]!
      for (let o = 0; o < dc; o++) {
        f[o]! += gf[o]!
        g[o]! += gg[o]!
      }
      if (local) {
        addProduct(f, local, l.filterLocal!)
        addProduct(g, local, l.gateLocal!)
      }
      for (let o = 0; o < dc; o++) z[o] = Math.tanh(f[o]!) / (1 + Math.exp(-g[o]!))
      for (let o = 0; o < skip.length; o++) skip[o]! += l.skipBias[o]!
      addProduct(skip, z, l.skipKernel)
      if (l.denseKernel) {
        const next = Float32Array.from(x)
        for (let o = 0; o < rc; o++) next[o]! += l.denseBias![o]!
        addProduct(next, z, l.denseKernel)
        x = next
      }
    })
    for (let o = 0; o < skip.length; o++) skip[o] = Math.max(0, skip[o]!)
    const hidden = Float32Array.from(net.post1Bias)
    addProduct(hidden, skip, net.post1Kernel)
    for (let o = 0; o < hidden.length; o++) hidden[o] = Math.max(0, hidden[o]!)
    const logits = Float32Array.from(net.post2Bias)
    addProduct(logits, hidden, net.post2Kernel)
    let max = -Infinity
    for (const v of logits) max = Math.max(max, v)
    let sum = 0
    for (let o = 0; o < logits.length; o++) sum += logits[o] = Math.exp(logits[o]! - max)
    for (let o = 0; o < logits.length; o++) logits[o]! /= sum
    return logits
  }
}

/**
 * Generates like generateNaive (same options, checks and sampling stream) with per-layer queues:
 * O(layers) per sample. Takes the model or its compiled weights (compile once, generate often).
 */
export function generateFast(model: LayersModel | FastWavenet, opts: NaiveGenerateOptions): NaiveGeneration {
  const net = 'sig' in model ? model : compileWavenet(model)
  const { batch, temperature, primer, total } = checkGeneration(net.sig, opts)
  const rng = createRng(opts.seed ?? 0)
  const streams = Array.from({ length: batch }, (_, b) => new Stream(net, opts.global?.[b], opts.local?.[b]))
  const started = performance.now()
  // The primer fills every layer's queue; the last primer level's step gives the first distribution.
  let probs = streams.map((s) => primer.map((level) => s.step(level)).at(-1)!)
  const out = Array.from({ length: batch }, () => new Int32Array(opts.samples))
  let done = 0
  for (let t = primer.length - 1; t < total - 1; t++) {
    if (opts.shouldStop?.()) break
    const levels = probs.map((p) => sampleLevel(p, temperature, rng.uniform()))
    levels.forEach((level, b) => (out[b]![done] = level))
    done++
    opts.onProgress?.(done, opts.samples)
    if (done < opts.samples) probs = streams.map((s, b) => s.step(levels[b]!))
  }
  const seconds = (performance.now() - started) / 1000
  return { levels: out.map((l) => l.slice(0, done)), samplesPerSecond: seconds > 0 ? (done * batch) / seconds : 0 }
}
