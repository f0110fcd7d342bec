import { onBeforeUnmount, onMounted, type Ref } from 'vue'

/** Size of a canvas in CSS pixels. */
export interface CanvasSize {
  width: number
  height: number
}

/**
 * Keeps a canvas's backing store at devicePixelRatio resolution as its element resizes and calls
 * `draw` with a context scaled to CSS pixels. Returns `redraw` for data changes.
 */
export function useCanvas(el: Ref<HTMLCanvasElement | null>, draw: (ctx: CanvasRenderingContext2D, size: CanvasSize) => void): { redraw: () => void; size: () => CanvasSize } {
  let size: CanvasSize = { width: 0, height: 0 }
  let queued = 0
  const paint = (): void => {
    queued = 0
    const canvas = el.value
    const ctx = canvas?.getContext('2d')
    if (!canvas || !ctx) return
    const dpr = window.devicePixelRatio || 1
    const w = Math.round(size.width * dpr)
    const h = Math.round(size.height * dpr)
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w
      canvas.height = h
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
    ctx.clearRect(0, 0, size.width, size.height)
    draw(ctx, size)
  }
  const redraw = (): void => {
    if (!queued) queued = requestAnimationFrame(paint)
  }
  const observer = new ResizeObserver((entries) => {
    const r = entries[0]?.contentRect
    if (!r) return
    size = { width: r.width, height: r.height }
    redraw()
  })
  onMounted(() => {
    if (el.value) observer.observe(el.value)
  })
  onBeforeUnmount(() => {
    observer.disconnect()
    cancelAnimationFrame(queued)
  })
  return { redraw, size: () => size }
}
