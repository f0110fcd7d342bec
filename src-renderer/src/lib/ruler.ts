import type { Viewport } from './timeline'
import { timeToX } from './timeline'

/** One tick of the time ruler. */
export interface Tick {
  t: number
  x: number
  major: boolean
  label?: string
}

// "Nice" steps in seconds, from 10 ms to 10 minutes.
const STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600]

/** Smallest nice step (seconds) whose labelled ticks are at least `minPx` apart. */
export function majorStep(pxPerSecond: number, minPx = 80): number {
  for (const s of STEPS) if (s * pxPerSecond >= minPx) return s
  return STEPS[STEPS.length - 1]!
}

/** Labelled (major) and unlabelled (minor, 5 per major) ticks visible in `width` pixels. */
export function rulerTicks(v: Viewport, width: number, minPx = 80): Tick[] {
  const major = majorStep(v.pxPerSecond, minPx)
  const minor = major / 5
  const first = Math.floor(v.scroll / minor)
  const last = Math.ceil((v.scroll + width / v.pxPerSecond) / minor)
  const ticks: Tick[] = []
  for (let i = Math.max(0, first); i <= last; i++) {
    const t = i * minor
    // i % 5 on integers, not t % major on floats: no rounding error decides which tick is major.
    const isMajor = i % 5 === 0
    ticks.push({ t, x: timeToX(t, v), major: isMajor, ...(isMajor ? { label: formatTime(t, major) } : {}) })
  }
  return ticks
}

/** "m:ss" plus as many decimals as `resolution` (seconds) needs: 0:01.5, 1:05, 0:00.25. */
export function formatTime(t: number, resolution = 1): string {
  const decimals = resolution >= 1 ? 0 : resolution >= 0.1 ? 1 : resolution >= 0.01 ? 2 : 3
  const sign = t < 0 ? '-' : ''
  const abs = Math.abs(t)
  // Round once at the shown precision, then split, so 59.96 s shows 1:00.0 and never 0:60.0.
  const scale = 10 ** decimals
  const rounded = Math.round(abs * scale) / scale
  const minutes = Math.floor(rounded / 60)
  const seconds = rounded - minutes * 60
  const secText = seconds.toFixed(decimals).padStart(decimals > 0 ? decimals + 3 : 2, '0')
  return `${sign}${minutes}:${secText}`
}
