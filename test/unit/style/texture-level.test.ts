import { beforeAll, describe, expect, it } from 'vitest'
import { magnitude, stft } from '../../../src-main/dsp/stft'
import { initBackend } from '../../../src-main/engine/backend'
import { textureDefaults } from '../../../src-main/engine/style/defaults'
import { prepareTexture, textureMagnitude } from '../../../src-main/engine/style/texture'
import { capInPlace, maxOf } from '../../../src-main/engine/style/texture-level'
import { createRng } from '../../../src-main/util/random'

const SR = textureDefaults.sampleRate

/** Float32 log1p of the same STFT computed twice: equal to rounding. */
const TOL = 1e-5

/** Noise bursts with pauses (syllables), the shape of speech content. */
function syllables(seconds: number, gain: number): Float32Array {
  const rng = createRng(3)
  const x = new Float32Array(Math.round(seconds * SR))
  let lp = 0
  for (let i = 0; i < x.length; i++) {
    const t = i / SR
    lp = 0.6 * lp + 0.4 * rng.normal()
    x[i] = (t % 0.5 < 0.3 ? 1 : 0) * gain * (lp + Math.sin(2 * Math.PI * 150 * t))
  }
  return x
}

/** A melody of harmonic tones, the shape of an instrument style. */
function tones(seconds: number, gain: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * SR))
  for (let i = 0; i < x.length; i++) {
    const t = i / SR
    const f = [392, 440, 494, 523][Math.floor(t / 0.5) % 4]!
    x[i] = gain * (Math.sin(2 * Math.PI * f * t) + 0.5 * Math.sin(4 * Math.PI * f * t))
  }
  return x
}

/** The loudest log1p-magnitude of a clip's centred STFT at the texture method's geometry. */
function maxLog(x: Float32Array): number {
  return Math.log1p(maxOf(magnitude(stft(x, { nFft: textureDefaults.nFft, hop: textureDefaults.hop }))))
}

beforeAll(async () => {
  await initBackend(process.env.EB_BACKEND ?? 'wasm')
})

describe('texture level rule', () => {
  it('caps values above the cap, counts them, and leaves the rest untouched', () => {
    const x = Float32Array.from([-1, 0.5, 2, 3.5, 2, Number.NEGATIVE_INFINITY])
    expect(capInPlace(x, 2)).toBe(1)
    expect(Array.from(x)).toEqual([-1, 0.5, 2, 2, 2, Number.NEGATIVE_INFINITY])
    expect(capInPlace(x, 2)).toBe(0)
    expect(() => capInPlace(x, Number.NaN)).toThrow(/NaN/)
    expect(maxOf(new Float32Array(0))).toBe(Number.NEGATIVE_INFINITY)
  })

  // Both routes: one thread, and the filter bank split across a helper thread.
  for (const threads of [1, 2]) {
    it(`takes the style's loudest bin as the cap and keeps the output under it (${threads} thread${threads > 1 ? 's' : ''})`, () => {
      const style = tones(2, 0.4)
      const content = syllables(2, 0.05)
      // 256 filters: more than the two clips' frames together, so the split (kernel-trick) route applies.
      const settings = { ...textureDefaults, filters: 256, iterations: 5, lineSearch: 'none' as const, threads }
      const plan = prepareTexture(style, settings, undefined, content.length)
      try {
        expect(plan.kind).toBe(threads > 1 ? 'split' : 'local')
        expect(plan.styleMaxLog).toBeCloseTo(maxLog(style), 4)
        const out = textureMagnitude(plan, content, () => {})
        const cap = Math.max(maxLog(style), maxLog(content))
        expect(Math.log1p(maxOf(out.mag))).toBeLessThanOrEqual(cap + TOL)
        expect(out.capped).toBeGreaterThanOrEqual(0)
      } finally {
        plan.dispose()
      }
    })
  }

  it('applies the cap: a plan told the style is as quiet as the content gets an output no louder than that', () => {
    // The loud style pulls the output above the quiet content's loudest bin; with the plan's
    // style maximum lowered to the content's, the cap is the content's, and it must hold.
    const style = tones(2, 0.4)
    const content = syllables(2, 0.02)
    const settings = { ...textureDefaults, filters: 64, iterations: 10, lineSearch: 'wolfe' as const, threads: 1, init: 'content' as const }
    const plan = prepareTexture(style, settings, undefined, content.length)
    try {
      plan.styleMaxLog = maxLog(content)
      const out = textureMagnitude(plan, content, () => {})
      expect(out.capped).toBeGreaterThan(0)
      expect(Math.log1p(maxOf(out.mag))).toBeLessThanOrEqual(maxLog(content) + TOL)
    } finally {
      plan.dispose()
    }
  })
})
