import type { Locator } from 'playwright-core'
import type { Milliseconds } from '../../../src-main/util/units'

/** One frame at 60 fps, as the issue states it. */
export const FRAME_BUDGET_MS = 16.7
/**
 * How far over the budget a frame may measure and still be on time: Chromium coarsens performance.now()
 * to 0.1 ms and the frame clock wanders by a fraction of a millisecond, so an on-time frame reads
 * 16.6-16.8 ms; a late one is a whole frame later (33.3 ms).
 */
export const FRAME_JITTER_MS = 1

/** Frame times of a scroll: median and 95th percentile, and the share of frames over FRAME_BUDGET_MS (beyond the clock's jitter). */
export interface FrameStats {
  frames: number
  medianMs: Milliseconds
  p95Ms: Milliseconds
  /** 0..1: frames later than one 60 fps frame (a dropped frame). */
  overBudgetShare: number
}

/**
 * Scrolls `scroller` from its top to its bottom in `steps` equal jumps, one per animation frame, and
 * answers the time between successive requestAnimationFrame callbacks (what the page could paint),
 * measured in the page. The first delta (before the first jump) is left out.
 */
export async function recordScrollFrames(scroller: Locator, steps = 120): Promise<number[]> {
  // Under tsx (the bench) esbuild's keepNames wraps the inner functions below in __name(), a helper the
  // page does not have: an identity stand-in (given as a string, so nothing wraps it) lets them run.
  await scroller.page().evaluate('globalThis.__name = globalThis.__name || ((f) => f)')
  // Typed without the DOM library: the bench (a Node program) imports this module too.
  return scroller.evaluate(
    (el: { scrollTop: number; scrollHeight: number; clientHeight: number }, n: number) =>
      new Promise<number[]>((resolve) => {
        const raf = (cb: (now: number) => void): void => (globalThis as unknown as { requestAnimationFrame(cb: (now: number) => void): void }).requestAnimationFrame(cb)
        const deltas: number[] = []
        let last = performance.now()
        let i = 0
        const step = (now: number): void => {
          deltas.push(now - last)
          last = now
          el.scrollTop = ((el.scrollHeight - el.clientHeight) * ++i) / n
          if (i < n) raf(step)
          else resolve(deltas.slice(1))
        }
        raf(step)
      }),
    steps
  )
}

/** Median, p95 (nearest rank) and the late share (over FRAME_BUDGET_MS + FRAME_JITTER_MS) of frame times; throws on an empty list. */
export function frameStats(frames: readonly number[]): FrameStats {
  if (frames.length === 0) throw new Error('frame stats: no frames were recorded')
  const sorted = [...frames].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!
  return { frames: frames.length, medianMs: at(0.5), p95Ms: at(0.95), overBudgetShare: frames.filter((f) => f > FRAME_BUDGET_MS + FRAME_JITTER_MS).length / frames.length }
}
