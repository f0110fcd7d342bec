/**
 * The audio VLAE: shapes of its halves, the decoder's causality (log p(x_t | x_<t, z) does not see
 * x_t) and receptive field, save/load of the nested model, free bits (the objective's KL term is
 * never under L·λ, and a dimension under the floor gets no gradient), the per-dimension KL summing
 * to the KL, refusal of another configuration, and no tensor left behind by steps and evaluation.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { buildVlae, buildVlaeForTraining, checkVlae, vlae, vlaeOptions, vlaeReceptiveField } from '../../../src-main/engine/models/vae/vlae'
import { cropLevels, evaluateVlae, freeBitsKl, vlaeStep, vlaeTerms } from '../../../src-main/engine/train/vlae'
import { gaussianKl, gaussianKlPerDim } from '../../../src-main/engine/models/vae/latent'
import type { AutoregressiveDecoder } from '../../../src-main/engine/models/vae/decoder'
import { WavenetBatches } from '../../../src-main/datasets/wavenet-batches'
import { loadCheckpoint, saveCheckpoint } from '../../../src-main/engine/train/checkpoint'
import { initialTrainState } from '../../../src-main/engine/train/loop'
import { UserError } from '../../../src-main/util/errors'

beforeAll(async () => {
  await initBackend('wasm')
})

const dir = mkdtempSync(join(tmpdir(), 'vlae-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const o = vlaeOptions({ crop: 64, latents: 4, encoderChannels: 8, encoderLayers: 2, channels: 8, skipChannels: 8, quantization: 16 })

/** Seeded levels [n, T] in 0..q-1: a slow sine per row, so crops differ. */
function levels(n: number, t: number, q: number): tf.Tensor2D {
  const v = new Int32Array(n * t)
  for (let i = 0; i < n; i++) for (let k = 0; k < t; k++) v[i * t + k] = Math.round(((Math.sin((k * (i + 1)) / 7) + 1) / 2) * (q - 1))
  return tf.tensor2d(v, [n, t], 'int32')
}

/** Sine clips for WavenetBatches. */
function batches(crop: number, batch: number): WavenetBatches {
  const clip = (f: number): Float32Array => Float32Array.from({ length: 400 }, (_, k) => 0.5 * Math.sin(k * f))
  const audio = [clip(0.05), clip(0.2), clip(0.6)]
  return new WavenetBatches({ clips: audio.map((a, i) => ({ clipId: i, length: a.length, speaker: i })), load: async (i) => audio[i]!, receptiveField: 1, targets: crop - 1, batch, seed: 3, quantization: o.quantization })
}

describe('VLAE model', () => {
  it('has the issue shape: receptive field 32 for 2 x 4 layers, posterior [B, 2L], log p(x | z) [B]', () => {
    expect(vlaeReceptiveField(vlaeOptions({ crop: 2048 }))).toBe(32)
    const model = buildVlae(o)
    const v = vlae(model, o)
    const x = levels(3, o.crop, o.quantization)
    const params = v.encode(x)
    expect(params.shape).toEqual([3, 2 * o.latents])
    const lp = v.parts.decoder.logProb(tf.zeros([3, o.latents]), x)
    expect(lp.shape).toEqual([3])
    // A log-likelihood of T samples over q levels: below 0, above the worst the clip allows.
    for (const value of lp.dataSync()) expect(value).toBeLessThan(0)
    tf.dispose([x, params, lp])
    model.dispose()
  })

  it('decodes causally: changing x_t changes no log p(x_s | x_<s) for s < t, and z changes them', () => {
    const model = buildVlae(o)
    const wavenet = model.getLayer('wavenet')
    const past = (x: number[]): tf.Tensor => tf.oneHot(tf.tensor2d([x], [1, o.crop], 'int32'), o.quantization).toFloat()
    const a = Array.from({ length: o.crop }, (_, k) => k % o.quantization)
    const b = [...a]
    b[40] = (b[40]! + 5) % o.quantization
    const z = tf.randomNormal([1, o.latents], 0, 3, 'float32', 1) as tf.Tensor2D
    const pa = (wavenet.apply([past(a), z]) as tf.Tensor).arraySync() as number[][][]
    const pb = (wavenet.apply([past(b), z]) as tf.Tensor).arraySync() as number[][][]
    const pz = (wavenet.apply([past(a), tf.zeros([1, o.latents])]) as tf.Tensor).arraySync() as number[][][]
    // Outputs before 40 see nothing of input 40; outputs past 40 + RF see nothing of it either.
    expect(pb[0]![39]).toEqual(pa[0]![39])
    expect(pb[0]![40]).not.toEqual(pa[0]![40])
    expect(pb[0]![40 + vlaeReceptiveField(o)]).toEqual(pa[0]![40 + vlaeReceptiveField(o)])
    expect(pz[0]![10]).not.toEqual(pa[0]![10])
    model.dispose()
  })

  it('saves and loads as one model, with the same log-likelihood', async () => {
    const model = buildVlaeForTraining(o, 1e-3)
    const path = join(dir, 'ckpt')
    await saveCheckpoint(model, path, { arch: 'vae/vlae', modelOptions: { ...o }, extra: {}, state: initialTrainState(1) })
    const { model: loaded } = await loadCheckpoint(path, 'vae/vlae')
    checkVlae(loaded, o, 'loaded')
    const x = levels(2, o.crop, o.quantization)
    const z = tf.ones([2, o.latents]) as tf.Tensor2D
    const a = vlae(model, o).parts.decoder.logProb(z, x)
    const b = vlae(loaded, o).parts.decoder.logProb(z, x)
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()))
    const other = vlaeOptions({ ...o, latents: 5 })
    expect(() => checkVlae(loaded, other, '--resume 7')).toThrow(UserError)
    expect(() => checkVlae(loaded, { ...o, layersPerStack: 3 }, '--resume 7')).toThrow(/--resume 7: its layers are not those of VLAE/)
    tf.dispose([x, z, a, b])
    model.dispose()
    loaded.dispose()
  })

  it('generates levels in range for each z', async () => {
    const model = buildVlae(o)
    const z = tf.randomNormal([2, o.latents]) as tf.Tensor2D
    const out = await (vlae(model, o).parts.decoder as AutoregressiveDecoder).generate(z, 5)
    expect(out.shape).toEqual([2, 5])
    for (const v of out.dataSync()) expect(v >= 0 && v < o.quantization && Number.isInteger(v)).toBe(true)
    tf.dispose([z, out])
    model.dispose()
  })
})

describe('VLAE objective', () => {
  it('sums the per-dimension KL to the closed-form KL', () => {
    const q = { mean: tf.tensor2d([[0.5, -1, 0]]), logVar: tf.tensor2d([[0, -1, 0.3]]) }
    const p = { mean: tf.zeros([1, 3]) as tf.Tensor2D, logVar: tf.zeros([1, 3]) as tf.Tensor2D }
    const dims = gaussianKlPerDim(q, p).dataSync()
    expect(dims[0]).toBeCloseTo(0.125, 5) // ½ μ² for σ = 1
    expect(dims[2]).toBeCloseTo(0.5 * (Math.exp(0.3) - 0.3 - 1), 5)
    expect(gaussianKl(q, p).dataSync()[0]).toBeCloseTo(dims[0]! + dims[1]! + dims[2]!, 5)
  })

  it('free bits: the KL term is never under L·λ, and a dimension under the floor gets no gradient', () => {
    const klDims = tf.tensor2d([
      [0.1, 2],
      [0.3, 4]
    ]) // batch means 0.2 and 3
    expect(freeBitsKl(klDims, 0).dataSync()[0]).toBeCloseTo(3.2, 5)
    expect(freeBitsKl(klDims, 0.5).dataSync()[0]).toBeCloseTo(3.5, 5)
    expect(freeBitsKl(tf.zeros([2, 2]) as tf.Tensor2D, 0.25).dataSync()[0]).toBeCloseTo(0.5, 5)
    const g = tf.grad((k: tf.Tensor) => freeBitsKl(k as tf.Tensor2D, 0.5))(klDims).arraySync() as number[][]
    expect(g).toEqual([
      [0, 0.5],
      [0, 0.5]
    ])
  })

  it('cuts whole crops from WavenetBatches and records the KL of each dimension; no tensor left behind', async () => {
    const model = buildVlaeForTraining(o, 3e-3)
    const v = vlae(model, o)
    const data = batches(o.crop, 4)
    const first = (await data.epoch(0).next()).value!
    const x = cropLevels(first, o.crop)
    expect(x.length).toBe(first.size * o.crop)
    expect(x[1]).toBe(first.target[0])
    expect(x[0]).toBe(first.input[0])
    // Warm up once (kernels, optimizer slots), then count.
    vlaeStep(model, v, o, first, 0.25)
    const before = tf.memory().numTensors
    for (let i = 0; i < 3; i++) {
      const f = vlaeStep(model, v, o, first, 0.25)
      expect(f.klDims).toHaveLength(o.latents)
      expect(f.kl).toBeCloseTo(f.klDims.reduce((a, b) => a + b, 0), 4)
      expect(f.elbo).toBeCloseTo(f.reconstruction - f.kl, 3)
    }
    const e = await evaluateVlae(v, o, data.epoch(0))
    expect(e.klDims).toHaveLength(o.latents)
    for (const k of e.klDims) expect(k).toBeGreaterThanOrEqual(0)
    const t = vlaeTerms(v, tf.tensor2d(x, [first.size, o.crop], 'int32'))
    tf.dispose([t.reconstruction, t.klDims])
    expect(tf.memory().numTensors).toBe(before + 1) // the int32 x above, not disposed by vlaeTerms
    model.dispose()
  })
})
