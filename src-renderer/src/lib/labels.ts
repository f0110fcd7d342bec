/** Text shown on output tracks, made from a render's report. */

/** The report fields an output label shows. */
export interface LabelReport {
  method: string
  iterations: number
  styleDistance: { content: number; output: number }
  contentDistance: number
}

/** Three significant digits: enough to compare renders, short enough for a track header. */
export function shortNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v)
  if (v !== 0 && (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3)) return v.toExponential(2)
  return Number(v.toPrecision(3)).toString()
}

/** What the decoder repaired in a clip, for the status line ('' when nothing); the CLI words it the same way. */
export function repairNote(ref: { name: string; nonFiniteSamples?: number }): string {
  const n = ref.nonFiniteSamples ?? 0
  return n > 0 ? `${ref.name}: ${n} non-finite sample${n === 1 ? '' : 's'} (NaN/Inf) repaired from their neighbours` : ''
}

/** Track name of a new output: "gram #2". */
export function outputName(method: string, index: number): string {
  return `${method} #${index}`
}

/** Metrics line: "style 12.3 → 4.56 · content 0.42" (style distance from content to output). */
export function metricsLabel(r: LabelReport): string {
  return `style ${shortNumber(r.styleDistance.content)} → ${shortNumber(r.styleDistance.output)} · content ${shortNumber(r.contentDistance)}`
}
