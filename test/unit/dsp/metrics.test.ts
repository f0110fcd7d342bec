import { describe, expect, it } from 'vitest'
import { fitGaussian, frechetDistance } from '../../../src-main/dsp/frechet'
import { contentDistance, styleDistance, styleMetrics } from '../../../src-main/dsp/metrics'
import { UserError } from '../../../src-main/util/errors'
import { REF_TOL, loadFixture } from './reference'
import { chirpSignal, noise, sine, type ChirpRecipe } from './signals'

interface MetricsFixture {
  frechet: { muA: number[]; covA: number[]; muB: number[]; covB: number[]; distance: number }[]
  recipes: { content: ChirpRecipe; style: ChirpRecipe }
  styleDistance: number
  contentDistance: number
}

const fx = loadFixture<MetricsFixture>('metrics.json')
const sr = 16000
const content = chirpSignal(fx.recipes.content)
const style = chirpSignal(fx.recipes.style)

/** (1 - wb) a + wb b over the shorter of the two. */
function mix(a: Float32Array, b: Float32Array, wb: number): Float32Array {
  const n = Math.min(a.length, b.length)
  return a.subarray(0, n).map((v, i) => (1 - wb) * v + wb * b[i]!)
}

describe('frechetDistance against scipy.linalg.sqrtm', () => {
  it.each(fx.frechet.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const d = c.muA.length
    const g = (mu: number[], cov: number[]) => ({ dim: d, mean: Float64Array.from(mu), cov: Float64Array.from(cov) })
    const dist = frechetDistance(g(c.muA, c.covA), g(c.muB, c.covB))
    const scale = c.covA.reduce((s, v, i) => (i % (d + 1) === 0 ? s + v : s), 0) // tr Ca
    expect(Math.abs(dist - c.distance)).toBeLessThan(REF_TOL * Math.max(c.distance, scale))
  })

  it('fits the unbiased (numpy.cov) covariance', () => {
    const g = fitGaussian([1, 2, 3, 6, 5, 10], 3, 2)
    expect(Array.from(g.mean)).toEqual([3, 6])
    expect(Array.from(g.cov)).toEqual([4, 8, 8, 16])
  })
})

describe('styleDistance', () => {
  it('matches the numpy/scipy pipeline (log-mel 1024/256/64, Gaussian fit, sqrtm)', () => {
    const d = styleDistance(content, style, sr)
    expect(Math.abs(d - fx.styleDistance) / fx.styleDistance).toBeLessThan(REF_TOL)
  })

  it('is ~0 for a signal against itself, symmetric, and grows as signals differ', () => {
    const self = styleDistance(content, content, sr)
    const ab = styleDistance(content, style, sr)
    expect(self).toBeLessThan(1e-6 * ab)
    expect(Math.abs(ab - styleDistance(style, content, sr))).toBeLessThan(1e-9 * ab)
    const other = style
    const near = styleDistance(mix(content, other, 0.1), content, sr)
    const mid = styleDistance(mix(content, other, 0.5), content, sr)
    const far = styleDistance(other, content, sr)
    expect(near).toBeGreaterThan(0)
    expect(near).toBeLessThan(mid)
    expect(mid).toBeLessThan(far)
  })
})

describe('contentDistance', () => {
  it('matches numpy and is exactly 0 for a signal against itself', () => {
    expect(Math.abs(contentDistance(content, style, sr) - fx.contentDistance) / fx.contentDistance).toBeLessThan(REF_TOL)
    expect(contentDistance(content, content, sr)).toBe(0)
  })

  it('barely sees gain, grows with added noise, and truncates to the shorter signal', () => {
    const n = noise(content.length, 3, 0.05)
    const gain = contentDistance(content.map((v) => 0.5 * v), content, sr)
    const little = contentDistance(content.map((v, i) => v + 0.2 * n[i]!), content, sr)
    const lots = contentDistance(content.map((v, i) => v + 4 * n[i]!), content, sr)
    // Gain shifts every log-mel value by ln 0.25 except near the 1e-10 floor, so z-scores barely move.
    expect(gain).toBeLessThan(little)
    expect(little).toBeLessThan(lots)
    expect(contentDistance(content.subarray(0, 8000), content, sr)).toBeGreaterThanOrEqual(0)
  })
})

describe('styleMetrics', () => {
  it('reports the baseline and output distances and the content distance', () => {
    const output = mix(content, style, 0.5)
    const m = styleMetrics(content, style, output, sr)
    expect(m.styleDistance.content).toBeCloseTo(styleDistance(content, style, sr), 9)
    expect(m.styleDistance.output).toBeCloseTo(styleDistance(output, style, sr), 9)
    expect(m.contentDistance).toBeCloseTo(contentDistance(output, content, sr), 12)
    expect(m.styleDistance.output).toBeLessThan(m.styleDistance.content)
  })

  it('names the bad input: empty, silent, NaN, too short, bad rate', () => {
    const ok = sine(4000, 440, sr)
    const nan = ok.slice()
    nan[7] = NaN
    expect(() => styleMetrics(new Float32Array(0), ok, ok, sr)).toThrow(/^content is empty/)
    expect(() => styleMetrics(ok, new Float32Array(4000), ok, sr)).toThrow(/^style is silent/)
    expect(() => styleMetrics(ok, ok, nan, sr)).toThrow(/^output has a non-finite sample \(NaN\) at index 7/)
    expect(() => contentDistance(ok, ok.subarray(0, 100), sr)).toThrow(/^content is too short: 100 samples/)
    expect(() => styleDistance(ok, ok, Number.NaN)).toThrow(UserError)
    expect(() => styleDistance(ok, new Float32Array(2000).fill(1e-7), sr, ['content', 'style'])).toThrow(/^style is silent/)
  })
})
