/**
 * The WaveNet layers model: shapes and parameter count at the target size, causality and
 * the receptive field measured by perturbing single samples, both conditioning inputs, the TF.js
 * Layers files (stock Keras classes only), gradients through dilated convs, and no tensor leaks.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { buildWavenet, receptiveField, wavenetDilations, wavenetSignature, type WavenetOptions } from '../../../src-main/engine/models/wavenet'
import { loadModel, saveModel } from '../../../src-main/engine/models/model-files'
import { createRng } from '../../../src-main/util/random'
import { expectSameOnWasmAndCpu, normal } from './helpers'

/** Layer classes that exist in Python Keras under the same name (what tensorflowjs_converter maps). */
const KERAS_CLASSES = new Set(['InputLayer', 'Conv1D', 'Reshape', 'ZeroPadding2D', 'Dense', 'Add', 'Multiply', 'Activation', 'UpSampling2D', 'Conv2DTranspose', 'Embedding'])

/**
 * An output "did not change" when it moved by at most this, and "changed" when it moved by more.
 * Outputs outside a perturbation's reach are computed from the same values in the same order, so
 * they come out identical (measured: exactly 0); the weakest real influence, the oldest sample of
 * the receptive field through its single path of first taps, moves the tiny model's output ~1e-5.
 */
const NOISE = 1e-8

const TINY: WavenetOptions = { quantization: 16, dilations: [1, 2, 4, 1, 2, 4], residualChannels: 4, dilationChannels: 4, skipChannels: 8, seed: 1 }
const T = 48

let dir: string
beforeAll(async () => {
  await initBackend('wasm')
  dir = await mkdtemp(join(tmpdir(), 'eb-wavenet-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Seeded random mu-law levels. */
function levels(n: number, q: number, seed: number): number[] {
  const rng = createRng(seed)
  return Array.from({ length: n }, () => Math.floor(rng.uniform() * q))
}

/** [1, levels.length, q] one-hot. */
function oneHot(ls: number[], q: number): tf.Tensor3D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(ls, 'int32'), q).toFloat().expandDims(0) as tf.Tensor3D)
}

/** The model's output [T, q] for one input set, as plain rows. */
function predictRows(model: ReturnType<typeof buildWavenet>, inputs: tf.Tensor[]): Float32Array[] {
  const out = tf.tidy(() => model.predict(inputs.length === 1 ? inputs[0]! : inputs) as tf.Tensor)
  const [, steps, q] = out.shape as [number, number, number]
  const data = out.dataSync() as Float32Array
  out.dispose()
  return Array.from({ length: steps }, (_, t) => data.slice(t * q, (t + 1) * q))
}

/** Largest |a - b| over each step's row. */
function rowDiffs(a: Float32Array[], b: Float32Array[]): number[] {
  return a.map((row, t) => row.reduce((m, v, k) => Math.max(m, Math.abs(v - b[t]![k]!)), 0))
}

/** Output rows for `ls` and for `ls` with level (ls[at] + q/2) mod q at `at`; returns per-step differences. */
function perturbAt(model: ReturnType<typeof buildWavenet>, ls: number[], q: number, at: number, extra: tf.Tensor[] = []): number[] {
  const changed = ls.slice()
  changed[at] = (ls[at]! + q / 2) % q
  const [a, b] = [ls, changed].map((l) => {
    const x = oneHot(l, q)
    const rows = predictRows(model, [x, ...extra])
    x.dispose()
    return rows
  })
  return rowDiffs(a!, b!)
}

describe('WaveNet model', () => {
  it('the target model: 2 stacks x [1..512], 32/32/128 channels, RF 2048, [batch, T, 256] -> [batch, T, 256]', () => {
    expect(wavenetDilations(2, 10)).toEqual([...[1, 2, 4, 8, 16, 32, 64, 128, 256, 512], ...[1, 2, 4, 8, 16, 32, 64, 128, 256, 512]])
    expect(receptiveField()).toBe(2 * 1023 + 2)
    const m = buildWavenet()
    expect(m.inputs[0]!.shape).toEqual([null, null, 256])
    expect(m.outputs[0]!.shape).toEqual([null, null, 256])
    const layer = 2 * (2 * 32 * 32 + 32) + (32 * 128 + 128) + (32 * 32 + 32) // filter + gate, skip, residual 1x1
    const expected = 2 * 256 * 32 + 32 + 20 * layer - (32 * 32 + 32) + (128 * 128 + 128) + (128 * 256 + 256)
    expect(m.countParams()).toBe(expected)
    expect(m.layers.every((l) => KERAS_CLASSES.has(l.getClassName()))).toBe(true)
    m.dispose()
  })

  it('shapes: fixed length, embedding input, both conditioning inputs', () => {
    const m = buildWavenet({ ...TINY, samples: 64, input: 'embedding', globalChannels: 3, localChannels: 5, localHop: 8 })
    expect(m.inputs.map((i) => i.shape)).toEqual([[null, 64], [null, 3], [null, 8, 5]])
    expect(m.outputs[0]!.shape).toEqual([null, 64, 16])
    const out = tf.tidy(() => m.predict([tf.zeros([2, 64]), tf.zeros([2, 3]), tf.zeros([2, 8, 5])]) as tf.Tensor)
    expect(out.shape).toEqual([2, 64, 16])
    const sums = tf.tidy(() => tf.sum(out, -1).dataSync())
    for (const v of sums) expect(v).toBeCloseTo(1, 5) // a distribution over levels at every step
    out.dispose()
    m.dispose()
  })

  it('refuses bad options, naming the field', () => {
    expect(() => buildWavenet({ dilations: [] })).toThrow(/wavenet dilations: at least one layer/)
    expect(() => buildWavenet({ dilations: [1, 0] })).toThrow(/wavenet dilations\[1\]: 0 is not a whole number/)
    expect(() => buildWavenet({ samples: 100, localChannels: 80, localHop: 64 })).toThrow(/wavenet samples: 100 is not a whole number of 64-sample/)
  })

  it('is causal, and output t depends on exactly receptiveField samples ending at t', () => {
    const m = buildWavenet(TINY)
    const rf = receptiveField(TINY)
    expect(rf).toBe(16) // (2 - 1) * (1 + 2 + 4 + 1 + 2 + 4) + 2
    const ls = levels(T, 16, 7)
    const at = 20
    const d = perturbAt(m, ls, 16, at)
    for (let t = 0; t < at; t++) expect(d[t], `output ${t} before the change at ${at}`).toBeLessThanOrEqual(NOISE)
    for (const t of [at, at + 1, at + rf - 1]) expect(d[t], `output ${t} after the change at ${at}`).toBeGreaterThan(NOISE)
    // Output t sees t - rf + 1 .. t: the oldest sample in the window counts, the one before it does not.
    const t = 40
    expect(perturbAt(m, ls, 16, t - rf + 1)[t]).toBeGreaterThan(NOISE)
    expect(perturbAt(m, ls, 16, t - rf)[t]).toBeLessThanOrEqual(NOISE)
    m.dispose()
  })

  it('global conditioning changes every output; local frame i changes no output before sample i * hop', () => {
    const hop = 8
    const m = buildWavenet({ ...TINY, globalChannels: 3, localChannels: 5, localHop: hop })
    const x = oneHot(levels(T, 16, 3), 16)
    const g = tf.tensor2d([[1, 0, 0]])
    const g2 = tf.tensor2d([[0, 1, 0]])
    const local = normal([1, T / hop, 5], 4)
    const l = tf.tensor3d(local, [1, T / hop, 5])
    const frame = 3
    for (let k = 0; k < 5; k++) local[frame * 5 + k]! += 1
    const l2 = tf.tensor3d(local, [1, T / hop, 5])
    const base = predictRows(m, [x, g, l])
    const byGlobal = rowDiffs(base, predictRows(m, [x, g2, l]))
    for (const v of byGlobal) expect(v).toBeGreaterThan(NOISE)
    const byLocal = rowDiffs(base, predictRows(m, [x, g, l2]))
    for (let t = 0; t < frame * hop; t++) expect(byLocal[t], `output ${t}`).toBeLessThanOrEqual(NOISE)
    for (let t = frame * hop; t < (frame + 1) * hop; t++) expect(byLocal[t], `output ${t}`).toBeGreaterThan(NOISE)
    tf.dispose([x, g, g2, l, l2])
    m.dispose()
  })

  it('a learned transposed-conv upsampling builds and conditions like repetition', () => {
    const m = buildWavenet({ ...TINY, localChannels: 2, localHop: 4, localUpsampling: 'transposed' })
    expect(m.getLayer('local_upsample').getClassName()).toBe('Conv2DTranspose')
    const x = oneHot(levels(16, 16, 5), 16)
    const [l, l2] = [0, 1].map((s) => tf.tensor3d(normal([1, 4, 2], 10 + s), [1, 4, 2]))
    const d = rowDiffs(predictRows(m, [x, l!]), predictRows(m, [x, l2!]))
    expect(Math.max(...d)).toBeGreaterThan(NOISE)
    tf.dispose([x, l!, l2!])
    m.dispose()
  })
})

describe('WaveNet files and training', () => {
  it('saves and loads through model-files (stock Keras classes only) with the same outputs', async () => {
    const opts: WavenetOptions = { ...TINY, globalChannels: 2, localChannels: 3, localHop: 4 }
    const m = buildWavenet(opts)
    const out = join(dir, 'wavenet')
    await saveModel(m, out, { metadata: { arch: 'wavenet', receptiveField: receptiveField(opts) } })
    const json = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'))
    const classes = new Set<string>(json.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name))
    for (const c of classes) expect(KERAS_CLASSES.has(c), c).toBe(true)
    expect(classes).toContain('ZeroPadding2D')
    const loaded = await loadModel(out)
    // Generation reads what the model takes back from the loaded layers alone.
    expect(wavenetSignature(loaded)).toEqual({ quantization: 16, input: 'onehot', globalChannels: 2, localChannels: 3, localHop: 4, receptiveField: 16 })
    const inputs = [oneHot(levels(16, 16, 9), 16), tf.tensor2d([[0.5, -1]]), tf.tensor3d(normal([1, 4, 3], 2), [1, 4, 3])]
    const [a, b] = [m, loaded].map((model) => predictRows(model, inputs))
    expect(rowDiffs(a!, b!).every((v) => v === 0)).toBe(true)
    tf.dispose(inputs)
    m.dispose()
    loaded.dispose()
  })

  it('gradients w.r.t. every weight are finite and nonzero, and one step lowers the loss on a fixed batch', async () => {
    const m = buildWavenet(TINY)
    const ls = levels(2 * (T + 1), 16, 11)
    const x = tf.tidy(() => tf.concat([oneHot(ls.slice(0, T), 16), oneHot(ls.slice(T + 1, 2 * T + 1), 16)]))
    const y = tf.tidy(() => tf.concat([oneHot(ls.slice(1, T + 1), 16), oneHot(ls.slice(T + 2, 2 * T + 2), 16)]))
    const { grads, value } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, tf.log(m.predict(x) as tf.Tensor)) as tf.Scalar)
    expect(Object.keys(grads)).toHaveLength(m.trainableWeights.length)
    for (const [name, g] of Object.entries(grads)) {
      const data = g.dataSync()
      expect(data.every(Number.isFinite), name).toBe(true)
      expect(data.some((v) => v !== 0), name).toBe(true) // the dilated kernels too: our Conv2D gradient ran
    }
    tf.dispose([value, ...Object.values(grads)])
    m.compile({ optimizer: tf.train.adam(1e-2), loss: 'categoricalCrossentropy' })
    const before = m.evaluate(x, y) as tf.Scalar
    await m.trainOnBatch(x, y)
    const after = m.evaluate(x, y) as tf.Scalar
    expect(after.dataSync()[0]!).toBeLessThan(before.dataSync()[0]!)
    tf.dispose([x, y, before, after])
    m.dispose()
  })

  it('the weight gradients agree on wasm (our kernels, dilation passed through) and cpu (zero-stuffed filters)', async () => {
    const m = buildWavenet({ ...TINY, globalChannels: 2 })
    const ls = levels(T + 1, 16, 17)
    const compute = (): tf.Tensor[] => {
      const x = oneHot(ls.slice(0, T), 16)
      const y = oneHot(ls.slice(1), 16)
      const g = tf.tensor2d([[0.3, -0.7]])
      const { grads, value } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, tf.log(m.predict([x, g]) as tf.Tensor)) as tf.Scalar)
      tf.dispose([x, y, g])
      return [value, ...m.trainableWeights.map((w) => grads[w.name]!)]
    }
    await expectSameOnWasmAndCpu(compute, 'wavenet loss and weight gradients')
    m.dispose()
  })

  it('repeated predict and train steps leak no tensors', async () => {
    const m = buildWavenet({ ...TINY, globalChannels: 2 })
    m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' })
    const x = oneHot(levels(T, 16, 13), 16)
    const y = oneHot(levels(T, 16, 14), 16)
    const g = tf.tensor2d([[1, 0]])
    await m.trainOnBatch([x, g], y) // the first step creates Adam's moments
    const before = tf.memory().numTensors
    for (let i = 0; i < 5; i++) {
      await m.trainOnBatch([x, g], y)
      tf.dispose(tf.tidy(() => m.predict([x, g])))
    }
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([x, y, g])
    m.dispose()
  })
})
