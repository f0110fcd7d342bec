/** Counts of a campaign's results: overall, per target, per mutation, per reference format, and distinct failures. */
import { OUTCOMES, type CaseResult, type Outcome } from './outcome'

/** One row of counts. */
export interface Counts {
  tried: number
  outcomes: Record<Outcome, number>
  integrity: number
  /** Cases the reference decoder also accepted and was compared on. */
  refCompared: number
  refDisagree: number
}

/** A failure kind: the same target, class and message shape (paths and numbers blanked). */
export interface Signature {
  key: string
  outcome: Outcome | 'INTEGRITY' | 'REF-DISAGREE'
  count: number
  first: CaseResult
}

/** Everything the report prints. */
export interface Tally {
  total: Counts
  byTarget: Map<string, Counts>
  byMutation: Map<string, Counts>
  byFormat: Map<string, Counts & { refRefused: number }>
  signatures: Signature[]
}

const empty = (): Counts => ({ tried: 0, outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>, integrity: 0, refCompared: 0, refDisagree: 0 })

function add(c: Counts, r: CaseResult): void {
  c.tried++
  c.outcomes[r.outcome]++
  if (r.integrityFailure) c.integrity++
  if (r.reference?.agree !== undefined && r.reference.agree !== null) c.refCompared++
  if (r.reference?.agree === false) c.refDisagree++
}

/** A message with paths, numbers and quoted values blanked, so failures that differ only there group together. */
export function shapeOfMessage(s: string): string {
  return s
    .replace(/\/[^\s:;,)'"]+/g, '<path>')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/-?\d+(\.\d+)?(e-?\d+)?/gi, '#')
    .slice(0, 160)
}

/** Tallies `results`. */
export function tally(results: readonly CaseResult[]): Tally {
  const t: Tally = { total: empty(), byTarget: new Map(), byMutation: new Map(), byFormat: new Map(), signatures: [] }
  const sigs = new Map<string, Signature>()
  const sign = (outcome: Signature['outcome'], r: CaseResult, detail: string): void => {
    const key = `${r.target} ${outcome} ${shapeOfMessage(detail)}`
    const s = sigs.get(key)
    if (s) s.count++
    else sigs.set(key, { key, outcome, count: 1, first: r })
  }
  for (const r of results) {
    add(t.total, r)
    for (const [map, key] of [[t.byTarget, r.target], [t.byMutation, r.mutation]] as const) {
      if (!map.has(key)) map.set(key, empty())
      add(map.get(key)!, r)
    }
    if (r.reference) {
      const f = r.reference.format
      if (!t.byFormat.has(f)) t.byFormat.set(f, { ...empty(), refRefused: 0 })
      const c = t.byFormat.get(f)!
      add(c, r)
      if (r.reference.agree === null) c.refRefused++
      if (r.reference.agree === false) sign('REF-DISAGREE', r, `${r.mutation}`)
    }
    if (r.outcome === 'CRASH' || r.outcome === 'HANG' || r.outcome === 'WRONG') sign(r.outcome, r, r.detail)
    if (r.integrityFailure) sign('INTEGRITY', r, r.integrityFailure)
  }
  t.signatures = [...sigs.values()].sort((a, b) => b.count - a.count)
  return t
}

/** True when the campaign found something the CI test must fail on. */
export const failing = (t: Tally): boolean => t.total.outcomes.CRASH + t.total.outcomes.HANG + t.total.outcomes.WRONG + t.total.integrity > 0
