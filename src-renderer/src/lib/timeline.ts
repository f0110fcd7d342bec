/** Pure maths of the timeline viewport: seconds <-> pixels, zoom about a point, scroll limits. */

/** What part of the timeline is visible: `pxPerSecond` zoom, `scroll` seconds at the left edge. */
export interface Viewport {
  pxPerSecond: number
  scroll: number
}

// 4 px/s shows ~5 minutes on a laptop screen; 800 px/s resolves ~1 ms per pixel at 1 px.
export const MIN_PX_PER_SECOND = 4
export const MAX_PX_PER_SECOND = 800

/** Horizontal pixel of time `t` (seconds). */
export function timeToX(t: number, v: Viewport): number {
  return (t - v.scroll) * v.pxPerSecond
}

/** Time (seconds) at horizontal pixel `x`. */
export function xToTime(x: number, v: Viewport): number {
  return v.scroll + x / v.pxPerSecond
}

/** Scroll clamped so the view starts at or after 0 and does not run far past the content's end. */
export function clampScroll(scroll: number, pxPerSecond: number, width: number, contentEnd: number): number {
  // Allow scrolling until the last half-screen shows the end, so the end is never stuck at the edge.
  const max = Math.max(0, contentEnd - width / pxPerSecond / 2)
  return Math.min(Math.max(0, scroll), max)
}

/** Zooms by `factor` keeping the time under pixel `anchorX` fixed (like every DAW's ctrl+wheel). */
export function zoomAt(v: Viewport, factor: number, anchorX: number): Viewport {
  const pxPerSecond = Math.min(MAX_PX_PER_SECOND, Math.max(MIN_PX_PER_SECOND, v.pxPerSecond * factor))
  const anchorT = xToTime(anchorX, v)
  return { pxPerSecond, scroll: Math.max(0, anchorT - anchorX / pxPerSecond) }
}

/** Zoom that fits `duration` seconds into `width` pixels (with a small margin), within limits. */
export function fitZoom(duration: number, width: number): number {
  if (duration <= 0 || width <= 0) return 100
  // 5% margin so the end of the longest clip is not glued to the right edge.
  return Math.min(MAX_PX_PER_SECOND, Math.max(MIN_PX_PER_SECOND, (width * 0.95) / duration))
}
