/**
 * Training on wasm end to end: a scaled-down tagger (strided conv, conv + max-pool blocks, dense
 * layers, sigmoid cross-entropy) gets the cpu backend's gradients, learns under Adam, and leaks no
 * tensors over hundreds of steps.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { buildTagger, type TaggerOptions } from '../../../src-main/engine/models/tagger'
import { expectSameOnWasmAndCpu, normal } from './helpers'

/** The peer tagger's structure at a size that trains in milliseconds. */
const SMALL: TaggerOptions = { samples: 1024, frameLength: 16, frameFilters: 8, blockFilters: 8, blockTaps: 4, pool: 2, hidden: 16, tags: 5, seed: 1 }
const BATCH = 4

function batch(seed: number): { audio: tf.Tensor2D; labels: tf.Tensor2D } {
  const audio = tf.tensor2d(normal([BATCH, SMALL.samples], seed, 0.5), [BATCH, SMALL.samples])
  const bits = normal([BATCH, SMALL.tags!], seed + 1).map((v) => (v > 0.5 ? 1 : 0))
  return { audio, labels: tf.tensor2d(bits, [BATCH, SMALL.tags!]) }
}

beforeAll(async () => {
  await initBackend('wasm')
})

describe('tagger training on wasm', () => {
  it('computes the same loss gradients as cpu for every variable', async () => {
    const compute = (): tf.Tensor[] => {
      const tagger = buildTagger(SMALL)
      const { audio, labels } = batch(11)
      const { value, grads } = tf.variableGrads(() => tagger.loss(audio, labels), tagger.variables)
      const out = [value, ...tagger.variables.map((v) => grads[v.name]!)]
      tagger.dispose()
      return out
    }
    await expectSameOnWasmAndCpu(compute, 'tagger loss and gradients')
  })

  it('lowers the loss over a few Adam steps', () => {
    const tagger = buildTagger(SMALL)
    const { audio, labels } = batch(21)
    const adam = tf.train.adam(1e-2)
    const losses: number[] = []
    for (let step = 0; step < 8; step++) {
      const loss = adam.minimize(() => tagger.loss(audio, labels), true, tagger.variables)!
      losses.push(loss.dataSync()[0]!)
      loss.dispose()
    }
    expect(losses.every(Number.isFinite)).toBe(true)
    expect(losses[losses.length - 1]!).toBeLessThan(0.8 * losses[0]!)
    adam.dispose()
    tagger.dispose()
    tf.dispose([audio, labels])
  })

  it('leaves numTensors unchanged over 200 optimisation steps', () => {
    const tagger = buildTagger(SMALL)
    const { audio, labels } = batch(31)
    const adam = tf.train.adam(1e-3)
    // One step first: Adam creates its moment variables on the first update.
    tf.dispose(adam.minimize(() => tagger.loss(audio, labels), true, tagger.variables)!)
    const before = tf.memory()
    for (let step = 0; step < 200; step++) adam.minimize(() => tagger.loss(audio, labels), false, tagger.variables)
    expect(tf.memory().numTensors).toBe(before.numTensors)
    // The wasm heap too: our kernels' intermediates (column matrices, transposes) are all freed.
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers)
    adam.dispose()
    tagger.dispose()
    tf.dispose([audio, labels])
  })

  it('leaves numTensors unchanged over a training loop with fresh batches', () => {
    const tagger = buildTagger(SMALL)
    const beforeOptimizer = tf.memory().numTensors
    const adam = tf.train.adam(1e-3)
    const step = (seed: number): number => {
      const { audio, labels } = batch(seed)
      const loss = adam.minimize(() => tagger.loss(audio, labels), true, tagger.variables)!
      const value = loss.dataSync()[0]!
      tf.dispose([audio, labels, loss])
      return value
    }
    step(100) // creates Adam's moment variables
    const afterFirstStep = tf.memory().numTensors
    let lastLoss = NaN
    for (let i = 1; i < 30; i++) lastLoss = step(100 + i)
    expect(Number.isFinite(lastLoss)).toBe(true)
    expect(tf.memory().numTensors).toBe(afterFirstStep)
    adam.dispose() // frees every variable the optimizer made
    expect(tf.memory().numTensors).toBe(beforeOptimizer)
    tagger.dispose()
  })
})
