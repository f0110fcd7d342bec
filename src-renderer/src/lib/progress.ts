/** Progress bar maths: percentage and a human ETA. */

/** Whole percentage of step/total, clamped to 0..100 (0 when total is unknown). */
export function percent(step: number, total: number): number {
  if (!(total > 0)) return 0
  return Math.round(Math.min(1, Math.max(0, step / total)) * 100)
}

/** "12 s left", "3 min 05 s left"; empty when unknown. */
export function formatEta(etaMs: number | undefined): string {
  if (etaMs === undefined || !Number.isFinite(etaMs) || etaMs < 0) return ''
  const s = Math.round(etaMs / 1000)
  if (s < 60) return `${s} s left`
  const m = Math.floor(s / 60)
  return `${m} min ${String(s % 60).padStart(2, '0')} s left`
}
