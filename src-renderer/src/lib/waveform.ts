import type { Viewport } from './timeline'

/** Min/max envelope as sent by the audioPeaks method. */
export interface PeakData {
  peaksPerSecond: number
  min: Float32Array
  max: Float32Array
}

/** One pixel column of a waveform: lowest and highest sample value in [-1, 1]. */
export interface Column {
  x: number
  min: number
  max: number
}

/**
 * The columns of a clip starting at `clipStart` seconds visible in `width` pixels: each column takes
 * the min and max of every peak it covers, so zooming out never hides a transient.
 */
export function waveformColumns(peaks: PeakData, clipStart: number, v: Viewport, width: number): Column[] {
  const cols: Column[] = []
  const n = peaks.min.length
  if (n === 0) return cols
  const peaksPerPx = peaks.peaksPerSecond / v.pxPerSecond
  // Pixel range of the clip intersected with the canvas.
  const x0 = Math.max(0, Math.floor((clipStart - v.scroll) * v.pxPerSecond))
  const x1 = Math.min(width, Math.ceil((clipStart + n / peaks.peaksPerSecond - v.scroll) * v.pxPerSecond))
  for (let x = x0; x < x1; x++) {
    const t = v.scroll + x / v.pxPerSecond - clipStart
    const from = Math.max(0, Math.floor(t * peaks.peaksPerSecond))
    // At least one peak per column when zoomed in past the peak resolution.
    const to = Math.min(n, Math.max(from + 1, Math.floor(t * peaks.peaksPerSecond + peaksPerPx)))
    if (from >= n) break
    let lo = Infinity
    let hi = -Infinity
    for (let i = from; i < to; i++) {
      if (peaks.min[i]! < lo) lo = peaks.min[i]!
      if (peaks.max[i]! > hi) hi = peaks.max[i]!
    }
    cols.push({ x, min: lo, max: hi })
  }
  return cols
}

/** Vertical pixel extent [top, height] of a column in a lane `laneHeight` tall (at least 1 px). */
export function columnRect(c: Column, laneHeight: number, gain = 1): [top: number, height: number] {
  const mid = laneHeight / 2
  const clamp = (v: number): number => Math.max(-1, Math.min(1, v * gain))
  const top = mid - clamp(c.max) * mid
  const bottom = mid - clamp(c.min) * mid
  return [top, Math.max(1, bottom - top)]
}
