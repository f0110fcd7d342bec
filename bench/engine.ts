/**
 * Engine benchmark: median milliseconds on the current backend (initBackend picks it; EB_BACKEND
 * overrides) for conv1d forward and both gradients at the style-texture and tagger shapes, stock
 * wasm kernels against ours, one Adam step of the tagger, and the PyTorch peer for comparison.
 * Run: `npx tsx bench/engine.ts` (prints one JSON object).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { tf } from '../src-main/engine/tf'
import { initBackend } from '../src-main/engine/backend'
import { installFastKernels, uninstallFastKernels } from '../src-main/engine/kernels/install'
import { conv1d } from '../src-main/engine/ops/conv1d'
import { buildTagger } from '../src-main/engine/models/tagger'

const PEER_SCRIPT = '/work/shared/peers/tagger_step_torch.py'
const SYSTEM_PYTHON = '/usr/bin/python3'

/**
 * Waits until `t` is computed by reading back its last element: that read waits for the kernels
 * that produced it on asynchronous backends (webgl, GPU), and costs nothing on the synchronous
 * ones. Reading whole results would time the copy into JavaScript instead: on this VM a fresh
 * 11.5 MB Float32Array costs 34 ms of first-touch page faults, more than some of the kernels.
 */
async function settle(t: tf.Tensor): Promise<void> {
  if (t.size === 0) return
  const last = tf.tidy(() => tf.slice(tf.reshape(t, [-1]), [t.size - 1], [1]))
  await last.data()
  last.dispose()
}

/** Wall times of `reps` runs after one warm-up, sorted; each run waits until its results exist. */
async function wallTimes(reps: number, run: () => tf.Tensor[]): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i <= reps; i++) {
    const t0 = performance.now()
    const outs = run()
    for (const t of outs) await settle(t)
    const dt = performance.now() - t0
    tf.dispose(outs)
    if (i > 0) times.push(dt)
  }
  return times.sort((a, b) => a - b)
}

/** Median wall time of `reps` runs after one warm-up. */
async function medianMs(reps: number, run: () => tf.Tensor[]): Promise<number> {
  const times = await wallTimes(reps, run)
  return times[Math.floor(times.length / 2)]!
}

export interface ConvCase {
  key: string
  /** Input [batch, width, channels]. */
  x: [number, number, number]
  /** Filter [taps, inC, outC]. */
  filter: [number, number, number]
  stride: number
  padding: 'same' | 'valid'
  reps: number
}

const CASES: ConvCase[] = [
  // Three runs at the texture shape: the stock input gradient alone takes about a second.
  { key: 'texture', x: [1, 430, 1025], filter: [11, 1025, 256], stride: 1, padding: 'same', reps: 3 },
  { key: 'taggerFrame', x: [16, 59049, 1], filter: [256, 1, 32], stride: 256, padding: 'valid', reps: 11 },
  { key: 'taggerBlock1', x: [16, 230, 32], filter: [8, 32, 32], stride: 1, padding: 'same', reps: 11 },
  { key: 'taggerBlock2', x: [16, 57, 32], filter: [8, 32, 32], stride: 1, padding: 'same', reps: 11 }
]

/**
 * Times the three kernels a conv1d layer trains with (forward, input gradient, filter gradient),
 * each called alone on [batch, 1, width, channels] tensors as tf.conv1d and its gradient call them.
 */
async function timeConvKernels(c: ConvCase, withFilterGrad: boolean): Promise<Record<string, number>> {
  const [batch, width, inC] = c.x
  const [taps, , outC] = c.filter
  const x = tf.randomNormal([batch, 1, width, inC], 0, 1, 'float32', 1)
  const filter = tf.randomNormal([1, taps, inC, outC], 0, 0.05, 'float32', 2)
  const attrs = { strides: [1, c.stride], pad: c.padding, dataFormat: 'NHWC', dilations: [1, 1] }
  const run = (name: string, inputs: Record<string, tf.Tensor>, extra: Record<string, unknown> = {}): tf.Tensor =>
    tf.engine().runKernel(name, inputs, { ...attrs, ...extra } as unknown as tf.NamedAttrMap) as tf.Tensor
  const out: Record<string, number> = {}
  out.forward = await medianMs(c.reps, () => [run('Conv2D', { x, filter })])
  const dy = tf.randomNormal(run('Conv2D', { x, filter }).shape, 0, 1, 'float32', 3)
  out.inputGrad = await medianMs(c.reps, () => [run('Conv2DBackpropInput', { dy, filter }, { inputShape: x.shape })])
  if (withFilterGrad) out.filterGrad = await medianMs(c.reps, () => [run('Conv2DBackpropFilter', { x, dy }, { filterShape: filter.shape })])
  tf.dispose([x, filter, dy])
  return out
}

/** The case's input, filter and a random output gradient r (shaped like the conv1d output). */
function caseTensors(c: ConvCase): { x: tf.Tensor3D; w: tf.Tensor3D; r: tf.Tensor } {
  const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as tf.Tensor3D
  const w = tf.randomNormal(c.filter, 0, 0.05, 'float32', 2) as tf.Tensor3D
  const yShape = tf.tidy(() => conv1d(x, w, { stride: c.stride, padding: c.padding }).shape)
  return { x, w, r: tf.randomNormal(yShape, 0, 1, 'float32', 3) }
}

/**
 * Our conv1d op, the way training runs it: forward alone, forward + input gradient (tf.grad on x)
 * and forward + both gradients (tf.grads on x and filter), median ms each.
 */
async function timeConvOp(c: ConvCase): Promise<{ forward: number; forwardInput: number; all: number }> {
  const { x, w, r } = caseTensors(c)
  const f = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.sum(tf.mul(conv1d(a as tf.Tensor3D, b as tf.Tensor3D, { stride: c.stride, padding: c.padding }), r))
  const forward = await medianMs(c.reps, () => [conv1d(x, w, { stride: c.stride, padding: c.padding })])
  const inputOnly = tf.grad((a: tf.Tensor) => f(a, w))
  const forwardInput = await medianMs(c.reps, () => [inputOnly(x)])
  const both = tf.grads(f)
  const all = await medianMs(c.reps, () => both([x, w]))
  tf.dispose([x, w, r])
  return { forward, forwardInput, all }
}

/**
 * The filter gradient with stock wasm kernels only. Stock has no Conv2DBackpropFilter, but the
 * filter gradient is itself a convolution: dW[k, c, f] = sum_b,t xp[b, t s + k, c] dy[b, t, f],
 * i.e. the padded input with channels as the batch and the batch as channels, [inC, 1, width, B],
 * convolved (dilation s) with dy as the filter, [1, outW, B, outC]. This is the fastest filter
 * gradient a stock-tfjs user can write, so the "stock" column of the all-three figure uses it.
 */
export function stockFilterGrad(x: tf.Tensor3D, dy: tf.Tensor3D, c: ConvCase): tf.Tensor {
  return tf.tidy(() => {
    const taps = c.filter[0]
    // TensorFlow's 'same': the total padding, with the smaller half before.
    const total = c.padding === 'same' ? Math.max(0, (dy.shape[1] - 1) * c.stride + taps - c.x[1]) : 0
    const before = total >> 1
    const xp = total > 0 ? tf.pad(x, [[0, 0], [before, total - before], [0, 0]]) : x
    const input = tf.transpose(tf.reshape(xp, [c.x[0], 1, xp.shape[1], c.x[2]]), [3, 1, 2, 0]) // [inC, 1, W, B]
    const filter = tf.reshape(tf.transpose(dy, [1, 0, 2]), [1, dy.shape[1], c.x[0], dy.shape[2]]) // [1, outW, B, outC]
    const out = tf.conv2d(input as tf.Tensor4D, filter as tf.Tensor4D, 1, 'valid', 'NHWC', [1, c.stride]) // [inC, 1, >= taps, outC]
    const dw = out.shape[2] === taps ? out : tf.slice(out, [0, 0, 0, 0], [-1, -1, taps, -1])
    return tf.transpose(tf.reshape(dw, [c.x[2], taps, dy.shape[2]]), [1, 0, 2])
  })
}

/** Stock wasm: forward, input-gradient kernel, and the filter gradient composed as above. */
async function timeStock(c: ConvCase): Promise<{ forward: number; inputGrad: number; filterGrad: number }> {
  const kernels = await timeConvKernels(c, false)
  const { x, w, r } = caseTensors(c)
  const dy = r as tf.Tensor3D
  const filterGrad = await medianMs(c.reps, () => [stockFilterGrad(x, dy, c)])
  tf.dispose([x, w, r])
  return { forward: kernels.forward!, inputGrad: kernels.inputGrad!, filterGrad }
}

/** Median ms of one Adam step of the PyTorch peer tagger (batch 16 x 59049, 2 threads), or undefined without torch. */
export function peerStepMs(): number | undefined {
  if (!existsSync(PEER_SCRIPT) || !existsSync(SYSTEM_PYTHON)) return undefined
  if (spawnSync(SYSTEM_PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) return undefined
  const run = spawnSync(SYSTEM_PYTHON, [PEER_SCRIPT, '--threads', '2'], { encoding: 'utf8', timeout: 600_000 })
  const line = run.stdout?.trim().split('\n').pop()
  if (run.status !== 0 || !line) return undefined
  const seconds = Number((JSON.parse(line) as { secondsPerStep?: number }).secondsPerStep)
  return Number.isFinite(seconds) ? seconds * 1000 : undefined
}

/**
 * Median and fastest ms of one Adam step of the peer tagger (batch 16 x 59049 samples); the
 * fastest run shows the step without the other processes that share this machine's two cores.
 */
async function taggerStepMs(): Promise<{ median: number; min: number }> {
  const batch = 16
  const samples = 59049
  const tagger = buildTagger({ samples, seed: 3 })
  const audio = tf.randomNormal([batch, samples], 0, 0.1, 'float32', 4) as tf.Tensor2D
  const labels = tf.cast(tf.greater(tf.randomUniform([batch, 50], 0, 1, 'float32', 5), 0.8), 'float32') as tf.Tensor2D
  const adam = tf.train.adam(1e-3)
  const times = await wallTimes(15, () => [adam.minimize(() => tagger.loss(audio, labels), true, tagger.variables)!])
  adam.dispose()
  tagger.dispose()
  tf.dispose([audio, labels])
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]! }
}

/** Runs every benchmark on the current backend; keys are `<shape><Stage><Kernels>Ms` and ratios. */
export async function benchEngine(opts: { peers?: boolean } = {}): Promise<Record<string, number>> {
  const report = await initBackend()
  const results: Record<string, number> = {}
  const onWasm = report.name === 'wasm'
  for (const c of CASES) {
    // Our kernels one by one (the direct im2col + GEMM forms), then the op as training calls it.
    const fast = await timeConvKernels(c, true)
    for (const [stage, ms] of Object.entries(fast)) results[`${c.key}${cap(stage)}Ms`] = round(ms)
    const op = await timeConvOp(c)
    results[`${c.key}OpForwardMs`] = round(op.forward)
    results[`${c.key}OpForwardInputGradMs`] = round(op.forwardInput)
    results[`${c.key}OpAllThreeMs`] = round(op.all)
    if (onWasm) {
      uninstallFastKernels()
      const stock = await timeStock(c).finally(installFastKernels)
      results[`${c.key}ForwardStockMs`] = round(stock.forward)
      results[`${c.key}InputGradStockMs`] = round(stock.inputGrad)
      results[`${c.key}FilterGradStockComposedMs`] = round(stock.filterGrad)
      results[`${c.key}InputGradSpeedup`] = round(stock.inputGrad / fast.inputGrad!)
      results[`${c.key}ForwardInputGradSpeedup`] = round((stock.forward + stock.inputGrad) / op.forwardInput)
      results[`${c.key}AllThreeSpeedup`] = round((stock.forward + stock.inputGrad + stock.filterGrad) / op.all)
    }
  }
  const step = await taggerStepMs()
  results.taggerStepMs = round(step.median)
  results.taggerStepMinMs = round(step.min)
  const peer = opts.peers === false ? undefined : peerStepMs()
  if (peer !== undefined) {
    results.peerTaggerStepMs = round(peer)
    results.taggerStepOverPeer = round(results.taggerStepMs / peer)
  }
  return results
}

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1)
}

function round(v: number): number {
  return Math.round(v * 100) / 100
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const report = await initBackend()
  process.stderr.write(`backend: ${report.name} (${report.chosenBecause})\n`)
  process.stdout.write(JSON.stringify(await benchEngine()) + '\n')
}
