import { onBeforeUnmount, onMounted, type Ref } from 'vue'
import uPlot from 'uplot'

/** Axis and grid styles the panel charts share (the app's dark theme). */
export const CHART_AXIS = { stroke: '#8a91a3', font: '11px system-ui, sans-serif', labelFont: '11px system-ui, sans-serif', ticks: { stroke: '#2f3440', size: 4 } }
export const CHART_GRID = { stroke: 'rgba(255,255,255,0.06)', width: 1 }

/**
 * A uPlot chart in element `box`, sized to it as it resizes, destroyed with the component. `build`
 * makes it anew (new options: axes, series); `setData` swaps the data of the chart as it is.
 */
export function useUplot(box: Ref<HTMLElement | null>, options: (width: number, height: number) => uPlot.Options, data: () => uPlot.AlignedData): { build: () => void; setData: () => void } {
  let chart: uPlot | null = null
  function build(): void {
    chart?.destroy()
    chart = null
    const el = box.value
    if (!el) return
    const { width, height } = el.getBoundingClientRect()
    if (width < 10 || height < 10) return
    chart = new uPlot(options(Math.floor(width), Math.floor(height)), data(), el)
  }
  const observer = new ResizeObserver((entries) => {
    const r = entries[0]?.contentRect
    if (!r) return
    if (!chart) build()
    else chart.setSize({ width: Math.floor(r.width), height: Math.floor(r.height) })
  })
  onMounted(() => {
    if (box.value) observer.observe(box.value)
  })
  onBeforeUnmount(() => {
    observer.disconnect()
    chart?.destroy()
    chart = null
  })
  return { build, setData: () => (chart ? chart.setData(data()) : build()) }
}
