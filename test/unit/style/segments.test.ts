import { describe, expect, it } from 'vitest'
import { crossfadeJoin, planSegments } from '../../../src-main/engine/style/segments'

describe('content segments', () => {
  it('one segment when the clip fits', () => {
    expect(planSegments(100, 200, 10)).toEqual([{ start: 0, length: 100 }])
  })

  it('covers the whole clip with the requested overlap', () => {
    const segs = planSegments(1000, 300, 50)
    expect(segs[0]!.start).toBe(0)
    expect(segs.at(-1)!.start + segs.at(-1)!.length).toBe(1000)
    for (let i = 1; i < segs.length; i++) {
      expect(segs[i - 1]!.start + segs[i - 1]!.length - segs[i]!.start).toBeGreaterThanOrEqual(50)
    }
  })

  it('equal-power crossfade keeps a constant signal steady in power', () => {
    const segs = planSegments(1000, 300, 50)
    const parts = segs.map((s) => new Float32Array(s.length).fill(1))
    const out = crossfadeJoin(parts, segs, 1000)
    for (const v of out) {
      expect(v).toBeGreaterThan(0.99)
      expect(v).toBeLessThanOrEqual(Math.SQRT2 + 1e-6)
    }
  })
})
