/**
 * The generic training loop: callbacks, the stop flag, the time budget, early stopping, checkpoints
 * each epoch, and resume: a run stopped after two epochs and resumed from its checkpoint gives the
 * same loss curve and weights as the run that never stopped. Tensor count flat across epochs.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { buildDieleman } from '../../../src-main/engine/models/dieleman'
import { loadCheckpoint, saveCheckpoint } from '../../../src-main/engine/train/checkpoint'
import { initialTrainState, train, type BatchSource, type EpochEnd, type TrainState } from '../../../src-main/engine/train/loop'
import { epochOrder } from '../../../src-main/engine/train/shuffle'
import type { LayersModel } from '../../../src-main/engine/models/model-files'
import { normal } from './helpers'

const SAMPLES = 512
const TAGS = 3
const N = 24
const BATCH = 4

/** A toy tagging set: tag t is on when band t of the input is loud. */
const xs = normal([N, SAMPLES], 1, 0.1)
const ys = new Float32Array(N * TAGS)
for (let i = 0; i < N; i++) {
  for (let t = 0; t < TAGS; t++) {
    const on = (i * 7 + t * 3) % 5 < 2
    ys[i * TAGS + t] = on ? 1 : 0
    if (on) for (let s = 0; s < SAMPLES; s++) xs[i * SAMPLES + s] += 0.5 * Math.sin((2 * Math.PI * (t + 1) * 20 * s) / SAMPLES)
  }
}

function source(seed: number): BatchSource {
  return {
    batchesPerEpoch: N / BATCH,
    async *epoch(epoch) {
      const order = epochOrder(N, seed, epoch)
      for (let b = 0; b < N / BATCH; b++) {
        const idx = [...order.subarray(b * BATCH, (b + 1) * BATCH)]
        const x = new Float32Array(BATCH * SAMPLES)
        const y = new Float32Array(BATCH * TAGS)
        idx.forEach((i, k) => {
          x.set(xs.subarray(i * SAMPLES, (i + 1) * SAMPLES), k * SAMPLES)
          y.set(ys.subarray(i * TAGS, (i + 1) * TAGS), k * TAGS)
        })
        yield { x: tf.tensor3d(x, [BATCH, SAMPLES, 1]), y: tf.tensor2d(y, [BATCH, TAGS]), size: BATCH }
      }
    }
  }
}

function model(): LayersModel {
  const m = buildDieleman({ samples: SAMPLES, frameLength: 8, frameFilters: 4, blockFilters: 4, blockTaps: 3, pool: 2, hidden: 8, tags: TAGS, seed: 2 })
  m.compile({ optimizer: tf.train.adam(1e-2), loss: 'binaryCrossentropy' })
  return m
}

const weightsOf = (m: LayersModel): number[] => m.getWeights().flatMap((w) => [...w.dataSync()])

let dir: string
beforeAll(async () => {
  await initBackend('wasm')
  dir = await mkdtemp(join(tmpdir(), 'eb-train-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('train', () => {
  it('runs epochs of batches with callbacks and a checkpoint each epoch; the tensor count stays flat', async () => {
    const m = model()
    const batches: number[] = []
    const epochs: EpochEnd[] = []
    const counts: number[] = []
    const r = await train({
      model: m,
      data: source(5),
      epochs: 4,
      state: initialTrainState(5),
      onBatchEnd: (b) => batches.push(b.step),
      onEpochEnd: (e) => epochs.push(e),
      checkpoint: async () => void counts.push(tf.memory().numTensors)
    })
    expect(r.reason).toBe('epochs')
    expect(r.state).toMatchObject({ epoch: 4, step: 24 })
    expect(batches).toEqual(Array.from({ length: 24 }, (_, i) => i + 1))
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3])
    expect(epochs.at(-1)!.loss).toBeLessThan(epochs[0]!.loss)
    expect(r.examplesPerSecond).toBeGreaterThan(0)
    expect(new Set(counts.slice(1)).size).toBe(1) // after the first epoch (Adam's moments), flat
    m.dispose()
  })

  it('the stop flag ends training before the next batch, without checkpointing the partial epoch', async () => {
    const m = model()
    let seen = 0
    let checkpoints = 0
    const r = await train({
      model: m,
      data: source(5),
      epochs: 10,
      state: initialTrainState(5),
      onBatchEnd: () => void seen++,
      shouldStop: () => seen >= 9,
      checkpoint: async () => void checkpoints++
    })
    expect(r.reason).toBe('cancelled')
    expect(seen).toBe(9)
    expect(checkpoints).toBe(1) // epoch 0 (6 batches) finished; epoch 1 was cut after 3
    expect(r.state.epoch).toBe(1)
    m.dispose()
  })

  it('early stopping ends the run after `patience` epochs without improvement', async () => {
    const m = model()
    const scores = [0.6, 0.7, 0.69, 0.65, 0.9]
    let call = 0
    const r = await train({
      model: m,
      data: source(5),
      epochs: 5,
      state: initialTrainState(5),
      validate: async () => ({ valRocAuc: scores[call++]! }),
      earlyStopping: { metric: 'valRocAuc', mode: 'max', patience: 2 }
    })
    expect(r.reason).toBe('early-stopping')
    expect(r.state.epoch).toBe(4)
    expect(r.state.earlyStopping).toEqual({ best: 0.7, bestEpoch: 1, wait: 2 })
    m.dispose()
  })

  it('a validation split that cannot be scored (NaN) never stops a run early, and a run that did all its epochs ends by epochs', async () => {
    const m = model()
    const unscored = await train({
      model: m,
      data: source(5),
      epochs: 4,
      state: initialTrainState(5),
      validate: async () => ({ valRocAuc: Number.NaN }),
      earlyStopping: { metric: 'valRocAuc', mode: 'max', patience: 1 }
    })
    expect(unscored).toMatchObject({ reason: 'epochs', state: { epoch: 4, earlyStopping: { best: null, wait: 0 } } })
    const falling = [0.9, 0.8]
    let call = 0
    const last = await train({
      model: m,
      data: source(5),
      epochs: 2,
      state: initialTrainState(5),
      validate: async () => ({ valRocAuc: falling[call++]! }),
      earlyStopping: { metric: 'valRocAuc', mode: 'max', patience: 1 }
    })
    expect(last.reason).toBe('epochs') // the patience ran out on the last epoch: all epochs were done anyway
    m.dispose()
  })

  it('a time budget stops after the batch that crosses it and still checkpoints that epoch', async () => {
    const m = model()
    let checkpoints = 0
    const r = await train({ model: m, data: source(5), epochs: 50, state: initialTrainState(5), maxMs: 1, checkpoint: async () => void checkpoints++ })
    expect(r.reason).toBe('time')
    expect(r.state.epoch).toBe(1)
    expect(checkpoints).toBe(1)
    m.dispose()
  })

  it('resumed from a checkpoint, a run continues the same loss curve and reaches the same weights', async () => {
    const straight = model()
    const lossesA: number[] = []
    await train({ model: straight, data: source(9), epochs: 4, state: initialTrainState(9), onEpochEnd: (e) => lossesA.push(e.loss) })

    const first = model()
    const lossesB: number[] = []
    let saved: TrainState | null = null
    await train({
      model: first,
      data: source(9),
      epochs: 2,
      state: initialTrainState(9),
      onEpochEnd: (e) => lossesB.push(e.loss),
      checkpoint: async (mm, e) => {
        saved = e.state
        await saveCheckpoint(mm, join(dir, `resume-${e.epoch}`), { arch: 'test/dieleman', modelOptions: {}, extra: {}, state: e.state })
      }
    })
    first.dispose()
    expect(saved).toMatchObject({ epoch: 2, step: 12 })
    const { model: resumed, meta } = await loadCheckpoint(join(dir, 'resume-1'), 'test/dieleman')
    expect(meta.state).toEqual(saved)
    await train({ model: resumed, data: source(9), epochs: 4, state: meta.state, onEpochEnd: (e) => lossesB.push(e.loss) })
    expect(lossesB).toHaveLength(4)
    for (let i = 0; i < 4; i++) expect(lossesB[i]).toBeCloseTo(lossesA[i]!, 5)
    const [wa, wb] = [weightsOf(straight), weightsOf(resumed)]
    expect(Math.max(...wa.map((v, i) => Math.abs(v - wb[i]!)))).toBeLessThan(1e-5)
    await expect(loadCheckpoint(join(dir, 'resume-1'), 'tagger/samplecnn')).rejects.toThrow(/resume-1: a checkpoint of test\/dieleman, not tagger\/samplecnn$/)
    straight.dispose()
    resumed.dispose()
  })
})

describe('epochOrder', () => {
  it('is a permutation fixed by (seed, epoch), different across epochs', () => {
    const a = epochOrder(100, 3, 0)
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    expect([...epochOrder(100, 3, 0)]).toEqual([...a])
    expect([...epochOrder(100, 3, 1)]).not.toEqual([...a])
    expect([...epochOrder(100, 4, 0)]).not.toEqual([...a])
  })
})
