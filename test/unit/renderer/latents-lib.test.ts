import { describe, expect, it } from 'vitest'
import {
  BIAS_RANGE,
  SCALE_RANGE,
  canExplore,
  codeLabel,
  decodeProblem,
  decodeRequest,
  decodeTiming,
  dimensionRows,
  gaussianKl,
  klFraction,
  modelKlDims,
  untouched
} from '../../../src-renderer/src/lib/latents'
import { COLLAPSED_KL } from '../../../src-renderer/src/lib/vae'
import { LATENT_BIAS_RANGE, LATENT_SCALE_RANGE } from '../../../src-main/api/latent-bounds'
import { latentCode, vlaeCheckpoint, vlaeModel } from './latent-fixtures'

const code = latentCode
const checkpoint = vlaeCheckpoint
const model = vlaeModel

describe('latent explorer maths', () => {
  it('KL of a Gaussian against the standard normal: 0 at the prior, the closed form elsewhere, NaN for a bad sigma', () => {
    expect(gaussianKl(0, 1)).toBe(0)
    // mu = 1, sigma = 1: ½ mu² = 0.5 nats.
    expect(gaussianKl(1, 1)).toBeCloseTo(0.5, 12)
    // A narrow posterior costs ½(σ² − 1 − ln σ²): σ = 0.5 gives ½(0.25 − 1 + 1.3863) = 0.3181.
    expect(gaussianKl(0, 0.5)).toBeCloseTo(0.5 * (0.25 - 1 - Math.log(0.25)), 12)
    // Cross-check by numerical integration of p log(p/q) on a fine grid.
    const [mu, sd] = [0.7, 0.3]
    let sum = 0
    const dx = 1e-4
    for (let x = mu - 10 * sd; x < mu + 10 * sd; x += dx) {
      const p = Math.exp(-((x - mu) ** 2) / (2 * sd * sd)) / (sd * Math.sqrt(2 * Math.PI))
      const q = Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI)
      if (p > 0) sum += p * Math.log(p / q) * dx
    }
    expect(gaussianKl(mu, sd)).toBeCloseTo(sum, 5)
    expect(gaussianKl(0, 0)).toBeNaN()
    expect(gaussianKl(0, -1)).toBeNaN()
  })

  it('offers VLAEs with a checkpoint and a known width only', () => {
    expect(canExplore(model())).toBe(true)
    expect(canExplore(model({ kind: 'vae/mlp' }))).toBe(false)
    expect(canExplore(model({ latents: null }))).toBe(false)
    expect(canExplore(model({}, []))).toBe(false)
  })

  it("reads the model's KL per dimension from its newest checkpoint that has them", () => {
    expect(modelKlDims(model())).toEqual([0.5, 0.001, 2])
    const newer = model({}, [checkpoint(1, 10, { kl_0: 9, kl_1: 9, kl_2: 9 }), checkpoint(2, 20, { kl_0: 1, kl_1: 2, kl_2: 3 }), checkpoint(3, 30, { epoch: 3 })])
    expect(modelKlDims(newer)).toEqual([1, 2, 3])
    expect(modelKlDims(model({}, [checkpoint(1, 10, {})]))).toBeNull()
  })

  it('lists each dimension: z, z * scale + bias, sigma, the clip KL, the model KL and collapse', () => {
    const rows = dimensionRows(code(), [0.25, 0, 0], [2, 1, 1], [0.5, COLLAPSED_KL / 10, 2])
    expect(rows.map((r) => r.adjusted)).toEqual([1.25, -1, 0])
    expect(rows[1]).toMatchObject({ index: 1, z: -1, sigma: 0.5, bias: 0, scale: 1, modelKl: COLLAPSED_KL / 10, collapsed: true })
    expect(rows[1]!.kl).toBeCloseTo(gaussianKl(-1, 0.5), 12)
    expect(rows[0]!.collapsed).toBe(false)
    const prior = dimensionRows(code({ sigma: null }), [], [], null)
    expect(prior.map((r) => [r.sigma, r.kl, r.modelKl, r.collapsed, r.adjusted])).toEqual([
      [null, null, null, false, 0.5],
      [null, null, null, false, -1],
      [null, null, null, false, 0]
    ])
  })

  it('scales KL bars to the largest figure shown', () => {
    expect(klFraction(1, [1, 4, null, NaN])).toBe(0.25)
    expect(klFraction(null, [1])).toBe(0)
    expect(klFraction(1, [])).toBe(0)
  })

  it('sends the adjustments only when a dimension is moved, and refuses bad fields in the panel words', () => {
    const s = { seconds: 2, temperature: 1, seed: 0 }
    expect(untouched([0, 0], [1, 1])).toBe(true)
    expect(decodeRequest(code(), [0, 0, 0], [1, 1, 1], s, 'j1')).toEqual({ code: code(), seconds: 2, temperature: 1, seed: 0, jobId: 'j1' })
    expect(decodeRequest(code(), [0, 0.5, 0], [1, 1, 1], s, 'j1')).toMatchObject({ bias: [0, 0.5, 0], scale: [1, 1, 1] })
    expect(decodeProblem(null, s)).toMatch(/^Encode a clip or sample/)
    expect(decodeProblem(code(), s)).toBeNull()
    expect(decodeProblem(code(), { ...s, seconds: 0 })).toBe('Seconds: above 0, at most 600')
    expect(decodeProblem(code(), { ...s, temperature: 0 })).toMatch(/^Temperature: above 0/)
    expect(decodeProblem(code(), { ...s, seed: 1.5 })).toBe('Seed: a whole number from 0')
  })

  it("refuses a z' outside the service's sanity range by dimension, value and range; the sliders stay inside it", () => {
    const s = { seconds: 2, temperature: 1, seed: 0 }
    expect(decodeProblem(code({ z: [0.5, 48, 0] }), s, [0, 3, 0], [1, 1, 1])).toBe('z * scale + bias: dimension 1 is 51, outside the allowed -50..50')
    expect(decodeProblem(code({ z: [0.5, 48, 0] }), s, [0, -3, 0], [1, 1, 1])).toBeNull()
    expect(decodeProblem(code({ z: [0.5, -1, 30] }), s, [0, 0, 0], [1, 1, 2])).toBe('z * scale + bias: dimension 2 is 60, outside the allowed -50..50')
    for (const [r, limit] of [[BIAS_RANGE, LATENT_BIAS_RANGE], [SCALE_RANGE, LATENT_SCALE_RANGE]] as const) {
      expect(r.min).toBeGreaterThanOrEqual(limit.min)
      expect(r.max).toBeLessThanOrEqual(limit.max)
    }
  })

  it('labels codes and decode timings', () => {
    expect(codeLabel(code())).toBe('p225_001.wav')
    expect(codeLabel(code({ source: 'prior' }), 'seed 3')).toBe('prior (seed 3)')
    expect(codeLabel(code({ source: 'interpolation' }))).toBe('interpolation')
    expect(decodeTiming({ audio: { duration: 2 }, wallMs: 1430, xRealtime: 1.3986, samplesPerSecond: 22_400.4 })).toBe('2.00 s in 1.43 s · 1.40× realtime · 22,400 samples/s')
  })
})
