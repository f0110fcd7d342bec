/** A small trained tagger for the tagger-method tests, and the synthetic clips it learns from. */
import { tf } from '../../../src-main/engine/tf'
import { buildDieleman } from '../../../src-main/engine/models/dieleman'
import type { StyleTagger } from '../../../src-main/engine/style/stylize'
import { createRng } from '../../../src-main/util/random'

/** Input windows of the small tagger: 2048 samples (0.128 s at 16 kHz). */
export const SMALL_CROP = 2048
/** Its tags: a low tone (200-500 Hz), a high tone (2-4 kHz), white noise. */
export const SMALL_TAGS = ['low', 'high', 'noise']

/** A sine of `freq` Hz at 16 kHz. */
export function tone(length: number, freq: number, amp: number, phase = 0): Float32Array {
  return Float32Array.from({ length }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / 16000 + phase))
}

/** Seeded Gaussian noise. */
export function noise(length: number, seed: number, amp: number): Float32Array {
  const rng = createRng(seed)
  return Float32Array.from({ length }, () => amp * rng.normal())
}

/**
 * The Dieleman shape scaled down (frames of 16, two blocks of 8 filters) and trained with Adam for
 * 40 batches of the three classes: it tells them apart in well under a second on wasm.
 */
export async function buildSmallTagger(): Promise<StyleTagger> {
  const model = buildDieleman({ samples: SMALL_CROP, frameLength: 16, frameFilters: 8, blockFilters: 8, blockTaps: 4, pool: 2, hidden: 16, tags: SMALL_TAGS.length, seed: 7 })
  model.compile({ optimizer: tf.train.adam(1e-2), loss: 'binaryCrossentropy' })
  const rng = createRng(11)
  for (let step = 0; step < 40; step++) {
    const x = new Float32Array(12 * SMALL_CROP)
    const y = new Float32Array(12 * SMALL_TAGS.length)
    for (let k = 0; k < 12; k++) {
      const cls = k % 3
      const amp = 0.1 + 0.5 * rng.uniform()
      const clip = cls === 2 ? noise(SMALL_CROP, step * 100 + k, amp / 2) : tone(SMALL_CROP, cls === 0 ? 200 + 300 * rng.uniform() : 2000 + 2000 * rng.uniform(), amp, 6 * rng.uniform())
      x.set(clip, k * SMALL_CROP)
      y[k * SMALL_TAGS.length + cls] = 1
    }
    const xs = tf.tensor3d(x, [12, SMALL_CROP, 1])
    const ys = tf.tensor2d(y, [12, SMALL_TAGS.length])
    await model.trainOnBatch(xs, ys)
    tf.dispose([xs, ys])
  }
  // Adam's moments are the model's optimizer's; the tests only run the model forward and backward.
  return { model, crop: SMALL_CROP, sampleRate: 16000, tags: SMALL_TAGS, modelId: 1, checkpointId: 1, arch: 'dieleman' }
}
