/**
 * Naive WaveNet generation on tiny models: the sampler's distribution, determinism by seed, and
 * consistency with one causal pass of the model over the finished sequence (every generated level
 * is what the sampler draws from the full pass's distribution at the step before), with and without
 * conditioning, across windows that slide past the receptive field.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { buildWavenet, receptiveField, wavenetSignature, type WavenetOptions } from '../../../src-main/engine/models/wavenet'
import { generateNaive, sampleLevel } from '../../../src-main/engine/generate/wavenet-naive'
import { createRng } from '../../../src-main/util/random'
import { normal } from './helpers'

const TINY: WavenetOptions = { quantization: 16, dilations: [1, 2, 4, 1, 2, 4], residualChannels: 4, dilationChannels: 4, skipChannels: 8, seed: 2 }
const RF = receptiveField(TINY) // 16
const PRIMER = [8, 3, 12]
const N = 40 // generated samples: more than two receptive fields, so windows slide

beforeAll(async () => {
  await initBackend('wasm')
})

/** One pass of `model` over whole sequences [batch][T] (+ conditioning): per stream, T rows of q probabilities. */
function fullPass(model: ReturnType<typeof buildWavenet>, seqs: number[][], extra: tf.Tensor[] = []): Float32Array[][] {
  const q = wavenetSignature(model).quantization
  const out = tf.tidy(() => {
    const x = tf.oneHot(tf.tensor2d(seqs, undefined, 'int32'), q).toFloat()
    return model.predict(extra.length ? [x, ...extra] : x) as tf.Tensor
  })
  const data = out.dataSync() as Float32Array
  const steps = out.shape[1]!
  out.dispose()
  return seqs.map((_, b) => Array.from({ length: steps }, (_, t) => data.slice((b * steps + t) * q, (b * steps + t + 1) * q)))
}

/** What the sampler draws from the full pass's distributions with the same seed: the levels generation must give. */
function replay(rows: Float32Array[][], from: number, n: number, temperature: number, seed: number): number[][] {
  const rng = createRng(seed)
  const out = rows.map(() => [] as number[])
  for (let t = from - 1; t < from - 1 + n; t++) rows.forEach((r, b) => out[b]!.push(sampleLevel(r[t]!, temperature, rng.uniform())))
  return out
}

describe('sampleLevel', () => {
  it('draws level i with probability p_i at temperature 1, the argmax at 0, sharper below 1', () => {
    const p = [0.1, 0.6, 0.3]
    const counts = [0, 0, 0]
    const n = 1000
    for (let i = 0; i < n; i++) counts[sampleLevel(p, 1, (i + 0.5) / n)]!++
    expect(counts).toEqual([100, 600, 300]) // an even grid of u gives exact shares
    expect(sampleLevel(p, 0, 0)).toBe(1)
    const cold = [0, 0, 0]
    for (let i = 0; i < n; i++) cold[sampleLevel(p, 0.25, (i + 0.5) / n)]!++
    expect(cold[1]! / n).toBeCloseTo(0.6 ** 4 / (0.1 ** 4 + 0.6 ** 4 + 0.3 ** 4), 2)
  })
})

describe('naive WaveNet generation', () => {
  it('is deterministic by seed, and streams of a batch differ', () => {
    const m = buildWavenet(TINY)
    const a = generateNaive(m, { samples: 24, batch: 2, seed: 5, primer: PRIMER })
    const b = generateNaive(m, { samples: 24, batch: 2, seed: 5, primer: PRIMER })
    const c = generateNaive(m, { samples: 24, batch: 2, seed: 6, primer: PRIMER })
    expect(a.levels.map((l) => [...l])).toEqual(b.levels.map((l) => [...l]))
    expect([...a.levels[0]!]).not.toEqual([...c.levels[0]!])
    expect([...a.levels[0]!]).not.toEqual([...a.levels[1]!])
    expect(a.samplesPerSecond).toBeGreaterThan(0)
    m.dispose()
  })

  it('matches one full causal pass over the result: argmax at temperature 0, the same draws at temperature 1', () => {
    const m = buildWavenet(TINY)
    expect(wavenetSignature(m).receptiveField).toBe(RF)
    for (const temperature of [0, 1]) {
      const before = tf.memory().numTensors
      const g = generateNaive(m, { samples: N, batch: 2, temperature, seed: 9, primer: PRIMER })
      expect(tf.memory().numTensors).toBe(before) // nothing left behind by the steps
      const seqs = g.levels.map((l) => [...PRIMER, ...l])
      expect(g.levels.map((l) => [...l])).toEqual(replay(fullPass(m, seqs), PRIMER.length, N, temperature, 9))
    }
    m.dispose()
  })

  it('with global and local conditioning (frame-aligned windows), matches the full pass too', () => {
    const hop = 4
    const m = buildWavenet({ ...TINY, globalChannels: 2, localChannels: 3, localHop: hop })
    const total = PRIMER.length + N + 1 // a whole number of frames (44 = 11 x 4)
    const frames = total / hop
    const global = [[1, 0], [0, 1]]
    const local = [0, 1].map((b) => normal([frames, 3], 20 + b))
    const g = generateNaive(m, { samples: N, batch: 2, temperature: 1, seed: 3, primer: PRIMER, global, local })
    const seqs = g.levels.map((l) => [...PRIMER, ...l, 0]) // the last level is never read (causality)
    const extra = [tf.tensor2d(global), tf.tensor3d([...local[0]!, ...local[1]!], [2, frames, 3])]
    expect(g.levels.map((l) => [...l])).toEqual(replay(fullPass(m, seqs, extra), PRIMER.length, N, 1, 3))
    tf.dispose(extra)
    // The conditioning steers generation: another speaker vector gives other levels at temperature 0.
    const greedy = (gl: number[][]) => generateNaive(m, { samples: 16, batch: 2, temperature: 0, primer: PRIMER, global: gl, local }).levels.map((l) => [...l])
    expect(greedy([[1, 0], [1, 0]])).not.toEqual(greedy([[0, 1], [0, 1]]))
    m.dispose()
  })

  it('refuses what does not fit, in one line naming the thing', () => {
    const m = buildWavenet({ ...TINY, globalChannels: 2, localChannels: 3, localHop: 4 })
    const ok = { samples: 8, global: [[1, 0]], local: [new Float32Array(3 * 3)] }
    expect(() => generateNaive(m, { ...ok, temperature: -1 })).toThrow(/generate temperature: -1 is not a finite number >= 0/)
    expect(() => generateNaive(m, { ...ok, global: undefined })).toThrow(/takes global conditioning/)
    expect(() => generateNaive(m, { ...ok, global: [[1, 0, 0]] })).toThrow(/global conditioning 0: 3 values, the model takes 2/)
    expect(() => generateNaive(m, { ...ok, local: [new Float32Array(3 * 1)] })).toThrow(/local conditioning 0: 1 frames, 2 needed for 9 samples at hop 4/)
    expect(() => generateNaive(m, { ...ok, primer: [16] })).toThrow(/generate primer: .* 0\.\.15/)
    m.dispose()
    const plain = buildWavenet(TINY)
    expect(() => generateNaive(plain, { samples: 4, global: [[1]] })).toThrow(/takes no global conditioning/)
    plain.dispose()
  })
})
