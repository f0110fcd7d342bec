import { describe, expect, it } from 'vitest'
import { clampScroll, fitZoom, MAX_PX_PER_SECOND, MIN_PX_PER_SECOND, timeToX, xToTime, zoomAt } from '../../../src-renderer/src/lib/timeline'
import { formatTime, majorStep, rulerTicks } from '../../../src-renderer/src/lib/ruler'

describe('timeline viewport maths', () => {
  it('maps time to pixels and back', () => {
    const v = { pxPerSecond: 50, scroll: 2 }
    expect(timeToX(3, v)).toBe(50)
    expect(xToTime(50, v)).toBe(3)
    for (const x of [0, 17.5, 999]) expect(timeToX(xToTime(x, v), v)).toBeCloseTo(x, 9)
  })

  it('zooms about the anchor: the time under the pointer stays under the pointer', () => {
    const v = { pxPerSecond: 40, scroll: 1 }
    const anchorX = 300
    const before = xToTime(anchorX, v)
    const z = zoomAt(v, 2, anchorX)
    expect(z.pxPerSecond).toBe(80)
    expect(xToTime(anchorX, z)).toBeCloseTo(before, 9)
  })

  it('keeps zoom within limits and scroll at or after zero', () => {
    expect(zoomAt({ pxPerSecond: 700, scroll: 0 }, 10, 0).pxPerSecond).toBe(MAX_PX_PER_SECOND)
    expect(zoomAt({ pxPerSecond: 5, scroll: 0 }, 0.01, 0).pxPerSecond).toBe(MIN_PX_PER_SECOND)
    expect(zoomAt({ pxPerSecond: 100, scroll: 0 }, 0.5, 500).scroll).toBe(0)
  })

  it('clamps scroll to the content (half a screen past the end at most)', () => {
    expect(clampScroll(-3, 100, 1000, 30)).toBe(0)
    expect(clampScroll(100, 100, 1000, 30)).toBe(25)
    expect(clampScroll(100, 100, 1000, 2)).toBe(0)
    expect(clampScroll(10, 100, 1000, 30)).toBe(10)
  })

  it('fits a duration into a width with a 5% margin', () => {
    expect(fitZoom(10, 1000)).toBe(95)
    expect(fitZoom(0, 1000)).toBe(100)
    expect(fitZoom(0.001, 1000)).toBe(MAX_PX_PER_SECOND)
  })
})

describe('time ruler', () => {
  it('chooses the smallest nice step at least minPx apart', () => {
    expect(majorStep(100, 80)).toBe(1)
    expect(majorStep(10, 80)).toBe(10)
    expect(majorStep(800, 80)).toBe(0.1)
    expect(majorStep(0.01, 80)).toBe(600)
  })

  it('labels every fifth tick and places ticks at their pixel', () => {
    const ticks = rulerTicks({ pxPerSecond: 100, scroll: 0 }, 250, 80)
    // Major step 1 s, minor 0.2 s: ticks at 0, 0.2, ... 2.6 (one past the edge).
    expect(ticks.filter((t) => t.major).map((t) => t.label)).toEqual(['0:00', '0:01', '0:02'])
    expect(ticks[1]!.x).toBeCloseTo(20, 9)
    expect(ticks.every((t) => t.major === (t.label !== undefined))).toBe(true)
  })

  it('starts at the first tick of a scrolled view', () => {
    const ticks = rulerTicks({ pxPerSecond: 100, scroll: 3.5 }, 100, 80)
    expect(ticks[0]!.t).toBeCloseTo(3.4, 9)
    expect(ticks[0]!.x).toBeCloseTo(-10, 9)
  })

  it('formats times with the precision the step needs, never 0:60', () => {
    expect(formatTime(65)).toBe('1:05')
    expect(formatTime(1.5, 0.5)).toBe('0:01.5')
    expect(formatTime(0.25, 0.01)).toBe('0:00.25')
    expect(formatTime(59.96, 0.1)).toBe('1:00.0')
    expect(formatTime(-2)).toBe('-0:02')
  })
})
