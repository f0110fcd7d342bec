/** The campaign's tables as text: per target, per mutation, per reference format, and each distinct failure with its replay key. */
import { OUTCOMES } from './outcome'
import type { Counts, Tally } from './tally'

/** A fixed-width text table (first column left-aligned). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

const HEAD = ['tried', ...OUTCOMES.map((o) => (o === 'CLEAN-ERROR' ? 'clean err' : o.toLowerCase())), 'integrity', 'ref cmp', 'ref differ']
const cells = (c: Counts): string[] => [c.tried, ...OUTCOMES.map((o) => c.outcomes[o]), c.integrity, c.refCompared, c.refDisagree].map(String)

/** The full report. */
export function formatReport(t: Tally, opts: { seed: number; seconds: number; timedOut: boolean; references: Record<string, boolean> }): string {
  const out: string[] = []
  out.push(`fuzz seed ${opts.seed}: ${t.total.tried} cases in ${opts.seconds.toFixed(0)} s${opts.timedOut ? ' (stopped by the time bound)' : ''}`)
  const missing = Object.entries(opts.references).filter(([, ok]) => !ok).map(([f]) => f)
  if (missing.length > 0) out.push(`reference decoders missing, cross-check skipped for: ${missing.join(', ')}`)
  out.push('', table(['target', ...HEAD], [...[...t.byTarget].sort().map(([k, c]) => [k, ...cells(c)]), ['TOTAL', ...cells(t.total)]]))
  out.push('', table(['mutation', ...HEAD], [...t.byMutation].sort().map(([k, c]) => [k, ...cells(c)])))
  out.push(
    '',
    table(
      ['reference cross-check', 'accepted by ours', 'ref refused', 'compared', 'disagree'],
      [...t.byFormat].sort().map(([f, c]) => [f, String(c.tried), String(c.refRefused), String(c.refCompared), String(c.refDisagree)])
    )
  )
  if (t.signatures.length > 0) {
    out.push('', 'distinct failures (first example; replay: npx tsx bench/fuzz.ts --replay <id>)')
    for (const s of t.signatures) {
      const r = s.first
      const detail = s.outcome === 'REF-DISAGREE' ? r.reference!.detail : s.outcome === 'INTEGRITY' ? r.integrityFailure! : r.detail
      out.push(`  ${String(s.count).padStart(4)} x ${s.outcome} ${r.target} — first ${r.id} [${r.mutation} on ${r.seedFile}: ${r.note}]`)
      out.push(`         ${detail.slice(0, 300)}`)
    }
  }
  return out.join('\n')
}
