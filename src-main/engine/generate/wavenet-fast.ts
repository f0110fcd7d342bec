/**
 * Fast WaveNet generation (Paine et al., "Fast Wavenet Generation Algorithm", 2016): each layer
 * keeps a queue of its past inputs, so a new sample costs one step per layer, O(layers), instead of
 * a pass over the whole receptive field. The per-sample arithmetic is a few batched products over
 * the model's weights, repacked once (wavenet-kernel.ts): no TensorFlow.js op is dispatched per
 * sample (each costs ~10 us on wasm, and a step would need dozens).
 *
 * The step runs in the WebAssembly SIMD kernel (wavenet-wasm.ts, float32) where the runtime has
 * SIMD, otherwise in the JS kernel (wavenet-kernel.ts, float64 sums); `kernel` forces either.
 *
 * Same options, sampler and seeded stream as naive generation (wavenet-naive.ts), one draw per
 * sample per stream in the same order, so at temperature 0 both give the same levels.
 */
import type { LayersModel } from '../models/model-files'
import { wavenetSignature, type WavenetSignature } from '../models/wavenet'
import { checkGeneration, sampleLevel, type CheckedGeneration, type NaiveGenerateOptions, type NaiveGeneration } from './wavenet-naive'
import { createRng, type Rng } from '../../util/random'
import { planWavenet, WavenetBatch, type WavenetPlan, type WavenetStepper } from './wavenet-kernel'
import { WasmWavenetBatch, wasmSimdAvailable } from './wavenet-wasm'

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

/** Plans by compiled model: weights are repacked once per model, not per generation. */
const plans = new WeakMap<FastWavenet, WavenetPlan>()

function planOf(net: FastWavenet): WavenetPlan {
  let plan = plans.get(net)
  if (!plan) plans.set(net, (plan = planWavenet(net)))
  return plan
}

/** Which step kernel fast generation runs: wasm SIMD where available ('auto'), or one forced. */
export type FastKernel = 'auto' | 'wasm' | 'js'

/** Naive generation's options, plus the choice of step kernel. */
export interface FastGenerateOptions extends NaiveGenerateOptions {
  /** 'auto' (default): the wasm SIMD kernel where the runtime has SIMD, else the JS one. */
  kernel?: FastKernel
}

/**
 * Generates like generateNaive (same options, checks and sampling stream) with per-layer queues:
 * O(layers) per sample. Takes the model or its compiled weights (compile once, generate often).
 * Throws a UserError for bad options (as naive), an Error when `kernel: 'wasm'` is asked for on a
 * runtime without WebAssembly SIMD. The wasm kernel's instance goes back to its pool at the end.
 */
export function generateFast(model: LayersModel | FastWavenet, opts: FastGenerateOptions): NaiveGeneration {
  const net = 'sig' in model ? model : compileWavenet(model)
  const { batch, temperature, primer, total } = checkGeneration(net.sig, opts)
  const rng = createRng(opts.seed ?? 0)
  const kernel = opts.kernel ?? 'auto'
  const plan = planOf(net)
  const wasm = kernel === 'wasm' || (kernel === 'auto' && wasmSimdAvailable())
  const streams: WavenetStepper = wasm ? new WasmWavenetBatch(plan, batch, opts.global, opts.local) : new WavenetBatch(plan, batch, opts.global, opts.local)
  try {
    return run(net, streams, opts, { batch, temperature, primer, total }, rng)
  } finally {
    streams.dispose()
  }
}

/** The sampling loop of generateFast over a stepper. */
function run(net: FastWavenet, streams: WavenetStepper, opts: NaiveGenerateOptions, checked: CheckedGeneration, rng: Rng): NaiveGeneration {
  const { batch, temperature, primer, total } = checked
  const started = performance.now()
  // The primer fills every layer's queue; the last primer level's step gives the first distribution.
  const levels = new Int32Array(batch)
  for (const level of primer) {
    levels.fill(level)
    streams.step(levels)
  }
  const out = Array.from({ length: batch }, () => new Int32Array(opts.samples))
  const q = net.sig.quantization
  let done = 0
  for (let t = primer.length - 1; t < total - 1; t++) {
    if (opts.shouldStop?.()) break
    for (let b = 0; b < batch; b++) out[b]![done] = levels[b] = sampleLevel(streams.probs.subarray(b * q, (b + 1) * q), temperature, rng.uniform())
    done++
    opts.onProgress?.(done, opts.samples)
    if (done < opts.samples) streams.step(levels)
  }
  const seconds = (performance.now() - started) / 1000
  return { levels: out.map((l) => l.slice(0, done)), samplesPerSecond: seconds > 0 ? (done * batch) / seconds : 0 }
}
