/**
 * Tensor leaks on the tagger's paths, as tfjs-layers' own tests check them: the tensor count stays
 * flat across 100 song predictions (any length: several windows and a zero-padded last one) and
 * across epochs of the training loop as the job drives it (validation through evaluateTagger and a
 * checkpoint with optimizer state every epoch).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { buildDieleman } from '../../../src-main/engine/models/dieleman'
import { saveCheckpoint } from '../../../src-main/engine/train/checkpoint'
import { initialTrainState, train, type BatchSource } from '../../../src-main/engine/train/loop'
import { compileTagger, evaluateTagger, predictSong, type EvalClip } from '../../../src-main/engine/train/tagger'
import { normal } from './helpers'

const CROP = 512
const TAGS = 3
const BATCH = 4

const small = () => buildDieleman({ samples: CROP, frameLength: 8, frameFilters: 4, blockFilters: 4, blockTaps: 3, pool: 2, hidden: 8, tags: TAGS, seed: 4 })

beforeAll(() => initBackend('wasm'))

/** Labels of clip i: a fixed pattern with positives and negatives for every tag. */
const labelsOf = (i: number): Uint8Array => Uint8Array.from({ length: TAGS }, (_, t) => ((i + t) % 3 === 0 ? 1 : 0))

describe('tagger tensors', () => {
  it('predictSong: the tensor count is the same after 100 calls as before', () => {
    const model = small()
    // 3.4 windows: several predict batches' worth is not needed, a partial last window is.
    const audio = normal([Math.round(3.4 * CROP)], 11, 0.2)
    predictSong(model, audio, CROP) // the first call builds the predict function
    const before = tf.memory().numTensors
    let last: Float64Array | null = null
    for (let i = 0; i < 100; i++) last = predictSong(model, audio, CROP)
    expect(tf.memory().numTensors).toBe(before)
    expect(last).toHaveLength(TAGS)
    model.dispose()
  })

  it('train with validation and checkpoints: the tensor count is flat across three epochs', async () => {
    const model = small()
    compileTagger(model, 1e-2)
    const clips = 12
    const data: BatchSource = {
      batchesPerEpoch: clips / BATCH,
      async *epoch(e) {
        for (let b = 0; b < clips / BATCH; b++) {
          const y = new Float32Array(BATCH * TAGS)
          for (let k = 0; k < BATCH; k++) y.set(labelsOf(b * BATCH + k), k * TAGS)
          yield { x: tf.tensor3d(normal([BATCH, CROP, 1], 100 * e + b, 0.3), [BATCH, CROP, 1]), y: tf.tensor2d(y, [BATCH, TAGS]), size: BATCH }
        }
      }
    }
    const valid: EvalClip[] = Array.from({ length: 6 }, (_, i) => ({ labels: labelsOf(i), audio: async () => normal([CROP + 100 * i], 50 + i, 0.3) }))
    const counts: number[] = []
    const dir = await mkdtemp(join(tmpdir(), 'eb-tagger-leaks-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const r = await train({
      model,
      data,
      epochs: 3,
      state: initialTrainState(1),
      validate: async (m) => {
        const v = await evaluateTagger(m, valid, { tags: ['a', 'b', 'c'], crop: CROP })
        return { valRocAuc: v.macroRocAuc ?? Number.NaN }
      },
      checkpoint: async (m, end) => {
        await saveCheckpoint(m, join(dir, `epoch-${end.epoch}`), { arch: 'tagger/dieleman', modelOptions: {}, extra: {}, state: end.state })
      },
      onEpochEnd: () => void counts.push(tf.memory().numTensors)
    })
    expect(r.state.epoch).toBe(3)
    expect(counts).toHaveLength(3)
    expect(new Set(counts).size).toBe(1)
    model.dispose()
  })
})
