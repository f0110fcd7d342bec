import { describe, expect, it } from 'vitest'
import { FRAME_BUDGET_MS, FRAME_JITTER_MS, frameStats } from '../../e2e/support/scroll-frames'

// The bench's scroll figures (bench/library-scroll.ts) and the 25k e2e test both reduce frame times with this.
describe('frame stats', () => {
  it('median and p95 by nearest rank; a frame counts as late only beyond the clock jitter', () => {
    // 18 on-time frames as Chromium's coarsened clock reads them, 2 dropped ones.
    const frames = [...Array.from({ length: 6 }, () => [16.6, 16.7, 16.8]).flat(), 33.3, 50]
    const s = frameStats(frames)
    expect(s.frames).toBe(20)
    expect(s.medianMs).toBe(16.7)
    expect(s.p95Ms).toBe(50)
    expect(s.overBudgetShare).toBe(0.1)
    expect(frameStats([FRAME_BUDGET_MS + FRAME_JITTER_MS]).overBudgetShare).toBe(0)
    expect(frameStats([FRAME_BUDGET_MS + FRAME_JITTER_MS + 0.1]).overBudgetShare).toBe(1)
  })

  it('refuses an empty recording', () => {
    expect(() => frameStats([])).toThrow('frame stats: no frames were recorded')
  })
})
