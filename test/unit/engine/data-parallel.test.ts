/**
 * Data-parallel training over two threads equals single-thread training on the whole batch (up to
 * float32 summation order), leaks nothing, and reports a helper's failure as an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { buildDieleman } from '../../../src-main/engine/models/dieleman'
import { buildSampleCnn } from '../../../src-main/engine/models/samplecnn'
import { DataParallel } from '../../../src-main/engine/train/data-parallel'
import type { LayersModel } from '../../../src-main/engine/models/model-files'
import { normal } from './helpers'

/** Float32 sums in another order (shard means, then their weighted mean): measured ~5e-7 at the full tagger; 1e-5 hides no wrong gradient. */
const SAME_TOL = 1e-5

const compiled = (m: LayersModel): LayersModel => (m.compile({ optimizer: tf.train.adam(1e-2), loss: 'binaryCrossentropy' }), m)
const small = (): LayersModel => compiled(buildDieleman({ samples: 1024, frameLength: 16, frameFilters: 8, blockFilters: 8, blockTaps: 4, pool: 2, hidden: 16, tags: 5, seed: 4 }))
const maxDiff = (a: LayersModel, b: LayersModel): number => {
  const wb = b.getWeights().map((w) => w.dataSync())
  return Math.max(...a.getWeights().flatMap((w, i) => [...w.dataSync()].map((v, j) => Math.abs(v - wb[i]![j]!))))
}

beforeAll(async () => {
  await initBackend('wasm')
})

describe('DataParallel', () => {
  const batch = 7 // odd: shards of 4 and 3
  const xs = normal([batch, 1024], 1, 0.3)
  const ys = normal([batch, 5], 2).map((v) => (v > 0 ? 1 : 0))
  let dp: DataParallel | null = null
  afterAll(async () => {
    await dp?.close()
  })

  it('two threads give the losses and weights of single-thread training on the whole batch', async () => {
    const single = small()
    const parallel = small()
    dp = await DataParallel.start(parallel, { threads: 2, maxBatch: 8, loss: 'binaryCrossentropy', backend: 'wasm' })
    expect(dp.threads).toBe(2)
    const x = tf.tensor3d(xs, [batch, 1024, 1])
    const y = tf.tensor2d(ys, [batch, 5])
    const before = tf.memory().numTensors
    for (let i = 0; i < 4; i++) {
      const a = (await single.trainOnBatch(x, y)) as number
      const b = dp.step(xs, ys, batch)
      expect(Math.abs(a - b)).toBeLessThan(SAME_TOL)
    }
    expect(maxDiff(single, parallel)).toBeLessThan(SAME_TOL)
    // Adam's moments were made on the first step of each; after that nothing grows.
    const after = tf.memory().numTensors
    dp.step(xs, ys, batch)
    await single.trainOnBatch(x, y)
    expect(tf.memory().numTensors).toBe(after)
    expect(after - before).toBeGreaterThan(0)
    tf.dispose([x, y])
    await dp.close()
    dp = null
    single.dispose()
    parallel.dispose()
  })

  it('carries batch-norm models too (the sample-level CNN), and refuses a batch larger than it was started for', async () => {
    const m = compiled(buildSampleCnn({ blocks: 3, width: 0.05, tags: 5, dropout: 0 }))
    dp = await DataParallel.start(m, { threads: 2, maxBatch: 4, loss: 'binaryCrossentropy', backend: 'wasm' })
    const x = normal([4, 81], 3, 0.3)
    const y = Float32Array.from({ length: 20 }, (_, i) => i % 3 === 0 ? 1 : 0)
    const l0 = dp.step(x, y, 4)
    let l = l0
    for (let i = 0; i < 15; i++) l = dp.step(x, y, 4)
    expect(l).toBeLessThan(l0)
    expect(() => dp!.step(normal([6, 81], 3), new Float32Array(30), 6)).toThrow(/a batch of 6 is more than the 4 it was started for/)
    await dp.close()
    dp = null
    m.dispose()
  })
})
