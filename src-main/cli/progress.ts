import { SingleBar, Presets } from 'cli-progress'

/** A progress sink: engine callbacks report (done, extra fields) and finish once. */
export interface ProgressReporter {
  update(done: number, fields?: Record<string, string | number>): void
  /** Changes the total when it becomes known after the start. */
  setTotal(total: number): void
  stop(): void
}

/** A progress bar on stderr (shown on pipes too, at a slower refresh, so logs record progress). */
export function stderrProgress(label: string, total: number): ProgressReporter {
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% {value}/{total} {info} ETA {eta_formatted}`,
      hideCursor: false,
      clearOnComplete: false,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      etaBuffer: 20
    },
    Presets.shades_classic
  )
  bar.start(total, 0, { info: '' })
  let stopped = false
  return {
    update(done, fields) {
      const info = fields
        ? Object.entries(fields)
            .map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : v}`)
            .join(' ')
        : ''
      bar.update(done, { info })
    },
    setTotal(total) {
      bar.setTotal(total)
    },
    stop() {
      if (stopped) return
      stopped = true
      bar.stop()
    }
  }
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v)
  return Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toPrecision(4)
}
