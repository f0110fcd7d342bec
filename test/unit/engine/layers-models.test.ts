/**
 * The taggers as tfjs-layers models: shapes, stock Keras layers only, training through our wasm
 * kernels (layers dispatch by kernel name), and the TF.js Layers files: written atomically, loaded
 * back by tfjs-layers' own loader with the same outputs, refused when a folder already holds a model.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tf, tfl } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { conv2dBackpropFilterConfig, conv2dBackpropInputConfig, conv2dConfig } from '../../../src-main/engine/kernels/conv2d'
import { buildDieleman } from '../../../src-main/engine/models/dieleman'
import { buildSampleCnn, sampleCnnInputLength } from '../../../src-main/engine/models/samplecnn'
import { loadModel, saveModel } from '../../../src-main/engine/models/model-files'
import { normal } from './helpers'

/** Layer classes that exist in Python Keras under the same name (what tensorflowjs_converter maps). */
const KERAS_CLASSES = new Set(['InputLayer', 'Conv1D', 'MaxPooling1D', 'Flatten', 'Dense', 'BatchNormalization', 'Activation', 'Dropout'])

let dir: string
beforeAll(async () => {
  await initBackend('wasm')
  dir = await mkdtemp(join(tmpdir(), 'eb-models-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const small = () => buildDieleman({ samples: 2048, frameLength: 16, frameFilters: 8, blockFilters: 8, blockTaps: 4, pool: 2, hidden: 16, tags: 5, seed: 3 })

describe('tagger models', () => {
  it('Dieleman at the peer shape: [batch, 59049, 1] -> [batch, 50] probabilities, stock layers only', () => {
    const m = buildDieleman({ samples: 59049 })
    expect(m.inputs[0]!.shape).toEqual([null, 59049, 1])
    expect(m.outputs[0]!.shape).toEqual([null, 50])
    expect(m.layers.every((l) => KERAS_CLASSES.has(l.getClassName()))).toBe(true)
    // frames 256*32+32, two blocks 8*32*32+32 each, hidden (57*32... after pools) -> 100, out 100*50+50
    const width = Math.floor(Math.floor(Math.floor(59049 / 256) / 4) / 4)
    expect(m.countParams()).toBe(256 * 32 + 32 + 2 * (8 * 32 * 32 + 32) + (width * 32 * 100 + 100) + (100 * 50 + 50))
    m.dispose()
  })

  it('sample-level CNN: 3^10 = 59049 samples in, one time step left after nine pools, stock layers only', () => {
    expect(sampleCnnInputLength()).toBe(59049)
    const m = buildSampleCnn({ width: 0.125, tags: 50 })
    expect(m.inputs[0]!.shape).toEqual([null, 59049, 1])
    expect(m.outputs[0]!.shape).toEqual([null, 50])
    expect(m.getLayer('flatten').outputShape).toEqual([null, 64]) // 512 * 0.125 filters x 1 step
    expect(m.layers.every((l) => KERAS_CLASSES.has(l.getClassName()))).toBe(true)
    expect(m.layers.filter((l) => l.getClassName() === 'BatchNormalization')).toHaveLength(10)
    m.dispose()
  })

  it('refuses shapes that leave nothing, naming the field', () => {
    expect(() => buildDieleman({ samples: 100 })).toThrow(/dieleman: 100 samples leave no time steps/)
    expect(() => buildSampleCnn({ width: 0 })).toThrow(/samplecnn width: 0 is not in/)
  })

  it('trains through our wasm convolution kernels (layers dispatch by kernel name) without leaking tensors', async () => {
    const names = [conv2dConfig, conv2dBackpropInputConfig, conv2dBackpropFilterConfig]
    for (const k of names) expect(tf.getKernel(k.kernelName, 'wasm')?.kernelFunc).toBe(k.kernelFunc)
    const calls = new Map<string, number>()
    for (const k of names) {
      tf.unregisterKernel(k.kernelName, 'wasm')
      tf.registerKernel({ ...k, kernelFunc: (args) => (calls.set(k.kernelName, (calls.get(k.kernelName) ?? 0) + 1), k.kernelFunc(args)) })
    }
    try {
      const m = small()
      m.compile({ optimizer: tf.train.adam(1e-2), loss: 'binaryCrossentropy' })
      const x = tf.tensor3d(normal([4, 2048, 1], 1, 0.3), [4, 2048, 1])
      const y = tf.tensor2d([1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1], [4, 5])
      const losses = [(await m.trainOnBatch(x, y)) as number] // the first step creates Adam's moments
      const before = tf.memory().numTensors
      for (let i = 0; i < 20; i++) losses.push((await m.trainOnBatch(x, y)) as number)
      expect(tf.memory().numTensors).toBe(before)
      expect(losses.at(-1)!).toBeLessThan(0.7 * losses[0]!)
      for (const k of names) expect(calls.get(k.kernelName) ?? 0).toBeGreaterThan(0)
      tf.dispose([x, y])
      m.dispose()
    } finally {
      for (const k of names) {
        tf.unregisterKernel(k.kernelName, 'wasm')
        tf.registerKernel(k)
      }
    }
  })
})

describe('TF.js Layers model files', () => {
  it('save writes model.json + weights.bin atomically; plain tf.loadLayersModel gives the same outputs', async () => {
    const m = small()
    const out = join(dir, 'exported')
    const saved = await saveModel(m, out, { metadata: { arch: 'dieleman' } })
    expect((await readdir(out)).sort()).toEqual(['model.json', 'weights.bin'])
    expect((await readdir(dir)).filter((n) => n.startsWith('.'))).toEqual([]) // no temporary folder left
    const json = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'))
    expect(json.format).toBe('layers-model')
    expect(json.userDefinedMetadata).toEqual({ arch: 'dieleman' })
    expect(saved.bytes).toBeGreaterThan(m.countParams() * 4)
    // Plain tfjs-layers, from the files' bytes: nothing of ours in between.
    const weights = await readFile(join(out, 'weights.bin'))
    const plain = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) })
    )
    const ours = await loadModel(out)
    const x = tf.tensor3d(normal([2, 2048, 1], 9, 0.3), [2, 2048, 1])
    const [a, b, c] = [m, plain, ours].map((model) => (model.predict(x) as tf.Tensor).dataSync())
    expect([...b!]).toEqual([...a!])
    expect([...c!]).toEqual([...a!])
    tf.dispose(x)
    for (const model of [m, plain, ours]) model.dispose()
  })

  it('refuses a folder that already holds a model, and leaves it as it was', async () => {
    const m = small()
    const out = join(dir, 'taken')
    await saveModel(m, out)
    const before = await readFile(join(out, 'weights.bin'))
    await expect(saveModel(m, out)).rejects.toThrow(/taken: already holds a model \(model\.json\); choose another folder$/)
    expect(Buffer.compare(await readFile(join(out, 'weights.bin')), before)).toBe(0)
    await saveModel(m, out, { overwrite: true }) // replacing is an explicit choice
    m.dispose()
  })

  it('loading names the folder and the reason for what is not a model', async () => {
    await expect(loadModel(join(dir, 'absent'))).rejects.toThrow(/absent[/\\]model\.json: no model here/)
    const m = small()
    const out = join(dir, 'cut')
    await saveModel(m, out)
    const { truncate } = await import('node:fs/promises')
    await truncate(join(out, 'weights.bin'), 100)
    await expect(loadModel(out)).rejects.toThrow(/cut: weights are 100 bytes, the manifest needs \d+ \(truncated file\?\)$/)
    // The weights file of a larger model (one more byte is enough) is refused, not read in part.
    const long = join(dir, 'long')
    await saveModel(m, long)
    const { appendFile } = await import('node:fs/promises')
    await appendFile(join(long, 'weights.bin'), Buffer.alloc(4))
    await expect(loadModel(long)).rejects.toThrow(/long: weights are \d+ bytes, the manifest needs \d+ \(the weights of another model\?\)$/)
    m.dispose()
  })

  it('keeps the optimizer state with includeOptimizer, so a resumed model continues the same Adam steps', async () => {
    const x = tf.tensor3d(normal([4, 2048, 1], 5, 0.3), [4, 2048, 1])
    const y = tf.tensor2d(normal([4, 5], 6).map((v) => (v > 0 ? 1 : 0)), [4, 5])
    const a = small()
    a.compile({ optimizer: tf.train.adam(1e-2), loss: 'binaryCrossentropy' })
    for (let i = 0; i < 3; i++) await a.trainOnBatch(x, y)
    const out = join(dir, 'resume')
    await saveModel(a, out, { includeOptimizer: true })
    const b = await loadModel(out)
    const la: number[] = []
    const lb: number[] = []
    for (let i = 0; i < 3; i++) {
      la.push((await a.trainOnBatch(x, y)) as number)
      lb.push((await b.trainOnBatch(x, y)) as number)
    }
    for (let i = 0; i < 3; i++) expect(lb[i]).toBeCloseTo(la[i]!, 5)
    tf.dispose([x, y])
    a.dispose()
    b.dispose()
  })
})
