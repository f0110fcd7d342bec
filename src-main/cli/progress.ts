import { SingleBar, Presets } from 'cli-progress'

/** A progress sink: engine callbacks report (done, extra fields) and finish once. */
export interface ProgressReporter {
  /** `etaMs`: the caller's estimate of the time left (the job pool's); else one from the elapsed rate. */
  update(done: number, fields?: Record<string, string | number>, etaMs?: number): void
  /** Changes the total when it becomes known after the start. */
  setTotal(total: number): void
  stop(): void
}

/** A progress bar on stderr (shown on pipes too, at a slower refresh, so logs record progress). */
export function stderrProgress(label: string, total: number): ProgressReporter {
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% {value}/{total} {info} ETA {eta_text}`,
      hideCursor: false,
      clearOnComplete: false,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      etaBuffer: 20
    },
    Presets.shades_classic
  )
  bar.start(total, 0, { info: '', eta_text: '--' })
  let stopped = false
  const started = performance.now()
  let current = total
  return {
    update(done, fields, etaMs) {
      const info = fields
        ? Object.entries(fields)
            .map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : v}`)
            .join(' ')
        : ''
      // cli-progress's own ETA breaks when the total changes mid-run (a job's phases): ours is the
      // caller's estimate, or elapsed time scaled by the fraction left.
      const elapsed = performance.now() - started
      const eta = etaMs ?? (done > 0 && done <= current ? (elapsed * (current - done)) / done : undefined)
      bar.update(done, { info, eta_text: formatDuration(eta) })
    },
    setTotal(total) {
      current = total
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

/** "1m05s", "42s", or "--" when unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '--'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}
