/**
 * Vocal-match benchmark: every case of the known-answer set (test/fixtures/vocal-match: a dry voice,
 * a processed other voice, and the dry voice through the same sox chain) rendered by `match`,
 * `texture` and `gram` through the stylize job engine as the CLI runs it, each scored by
 * multiResolutionMelDistance to the answer. share = D(output, answer) / D(content, answer): 0 is the
 * answer, 1 no closer than the dry voice. Also: |LUFS(output) - LUFS(answer)|, wall time per render
 * (the whole render: for match, analysis + fit + rendering, which is what `fitMedianMs` reports), and
 * the speed of a fitted chain (the first match report's) on 60 s at 44.1 kHz, after one warm-up pass.
 *
 * Texture and gram take minutes per case at their defaults, so they run on the first pairing only
 * (6 cases) unless `--match-all`. A method the engine does not offer yet (the "method" error) is
 * reported as not available. `--match-only` runs the match method alone (a minute or two instead of
 * half an hour). Run: `npx tsx bench/match.ts [--match-all | --match-only]` (prints one JSON object).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadMono } from '../src-main/audio'
import { resample } from '../src-main/audio/resample'
import { loudnessMeter } from '../src-main/dsp/loudness'
import { multiResolutionMelDistance } from '../src-main/dsp/mel-distance'
import type { EffectChain } from '../src-main/engine/effects/chain'
import { stylizeJob } from '../src-main/engine/style/job'
import type { StyleMethod, StylizeReport } from '../src-main/engine/style/types'
import type { JobContext } from '../src-main/jobs/job-context'
import type { Hz } from '../src-main/util/units'

const SET = fileURLToPath(new URL('../test/fixtures/vocal-match/', import.meta.url))
const METHODS = ['match', 'texture', 'gram'] as const satisfies readonly StyleMethod[]
type Method = (typeof METHODS)[number]
/** Audio the chain-speed figure runs over. */
const CHAIN_SECONDS = 60
const CHAIN_RATE: Hz = 44_100
/** Rate of the set's files, and the rate every output is scored at. */
const SET_RATE: Hz = 22_050

/** One method on one case: its share of the dry distance, loudness error and wall time; or why not. */
export interface MethodRun {
  share?: number
  lufsError?: number
  /** Wall time of the whole render (load, fit or optimisation, render, measures), as a user waits for it. */
  wallMs?: number
  /** Why there is no figure: 'not available' (the engine has no such method), 'skipped (...)', or the error. */
  note?: string
}

/** One case of the set. */
export interface MatchCase {
  name: string
  chain: string
  /** Dry distance: multiResolutionMelDistance(content, answer), dB. */
  d0: number
  runs: Record<Method, MethodRun>
}

/** What the section adds to the --json line as `match`. */
export interface MatchSummary {
  meanReductionPct: number | null
  worstSharePct: number | null
  fitMedianMs: number | null
  chainRealtimeX: number | null
  /** The effect stages alone (EQ, compressor, saturation, reverb), without the loudness passes. */
  chainStagesRealtimeX: number | null
  textureMeanReductionPct: number | null
  gramMeanReductionPct: number | null
  cases: MatchCase[]
}

interface SetCase {
  name: string
  chain: string
}

/** A JobContext for running the stylize engine in-process: no cancel, progress dropped. */
function benchContext(): JobContext {
  const signal = new AbortController().signal
  return { progress: () => undefined, signal, isCancelled: () => false, throwIfCancelled: () => undefined, backend: 'none' }
}

/** Renders one case with one method through the job engine and scores it against the answer. */
async function runMethod(method: Method, c: SetCase, answer: Float32Array, d0: number): Promise<{ run: MethodRun; report?: StylizeReport }> {
  const meter = await loudnessMeter()
  try {
    const out = await stylizeJob({ contentPath: join(SET, `${c.name}-content.wav`), stylePath: join(SET, `${c.name}-style.wav`), options: { method } }, benchContext())
    const at22 = out.sampleRate === SET_RATE ? out.audio : await resample(out.audio, out.sampleRate, SET_RATE)
    const d = multiResolutionMelDistance(at22, answer, SET_RATE)
    const lufsError = Math.abs(meter.integrated([out.audio], out.sampleRate) - meter.integrated([answer], SET_RATE))
    return { run: { share: d / d0, lufsError, wallMs: out.report.wallMs }, report: out.report }
  } catch (err) {
    const message = (err as Error).message
    // The engine refuses a method it does not know (or has not wired yet) with a "method" error.
    if (/\bmethod\b/i.test(message) && /not one of|runs through|unknown|not available/i.test(message)) return { run: { note: 'not available' } }
    return { run: { note: `failed: ${message.split('\n')[0]}` } }
  }
}

/**
 * Applies `chain` to 60 s of the set's first content (looped, at 44.1 kHz): x realtime of the whole
 * applyChain (input trim, stages, output loudness and true-peak limiting) and of the effect stages
 * alone (processStages), each the median of three passes after one warm-up pass.
 */
async function chainSpeed(chain: EffectChain, contentPath: string): Promise<{ whole: number; stages: number }> {
  const { applyChain, processStages } = await import('../src-main/engine/effects/apply')
  const voice = await loadMono(contentPath, CHAIN_RATE)
  const x = new Float32Array(CHAIN_SECONDS * CHAIN_RATE)
  for (let i = 0; i < x.length; i++) x[i] = voice[i % voice.length]!
  // One pass over the voice first, so the timed passes measure the chain, not loading and compiling its code.
  await applyChain([voice], CHAIN_RATE, chain)
  const whole: number[] = []
  const stages: number[] = []
  for (let r = 0; r < 3; r++) {
    let t0 = performance.now()
    // Cut at the input's length: the figure is seconds of input per second, as before the tail was rendered.
    await applyChain([x], CHAIN_RATE, chain, { keepLength: true })
    whole.push((CHAIN_SECONDS * 1000) / (performance.now() - t0))
    t0 = performance.now()
    processStages([x], CHAIN_RATE, chain)
    stages.push((CHAIN_SECONDS * 1000) / (performance.now() - t0))
  }
  return { whole: median(whole)!, stages: median(stages)! }
}

function mean(v: number[]): number | null {
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length
}

function median(v: number[]): number | null {
  if (v.length === 0) return null
  const s = [...v].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

function round(v: number | null, digits = 1): number | null {
  return v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits
}

/** Runs the section; prints the per-case table, the per-chain means and the targets on stderr. */
export async function benchMatch(opts: { all?: boolean; matchOnly?: boolean } = {}): Promise<{ figures: Record<string, number>; match: MatchSummary }> {
  const set = JSON.parse(readFileSync(join(SET, 'cases.json'), 'utf8')) as { cases: SetCase[] }
  const firstPairing = set.cases[0]!.name.split('-')[0]!
  const cases: MatchCase[] = []
  let fittedChain: EffectChain | undefined
  for (const c of set.cases) {
    const [content, answer] = await Promise.all([loadMono(join(SET, `${c.name}-content.wav`), SET_RATE), loadMono(join(SET, `${c.name}-answer.wav`), SET_RATE)])
    const d0 = multiResolutionMelDistance(content, answer, SET_RATE)
    const row: MatchCase = { name: c.name, chain: c.chain, d0, runs: {} as Record<Method, MethodRun> }
    for (const method of METHODS) {
      if (method !== 'match' && opts.matchOnly) {
        row.runs[method] = { note: 'skipped (--match-only)' }
        continue
      }
      if (method !== 'match' && !opts.all && !c.name.startsWith(`${firstPairing}-`)) {
        row.runs[method] = { note: `skipped (pairing ${firstPairing} only; --match-all for all)` }
        continue
      }
      process.stderr.write(`[match] ${c.name}: ${method}...\n`)
      const { run, report } = await runMethod(method, c, answer, d0)
      row.runs[method] = run
      if (method === 'match' && report?.chain && !fittedChain) fittedChain = report.chain
    }
    cases.push(row)
  }
  const shares = (m: Method): number[] => cases.flatMap((c) => (c.runs[m].share === undefined ? [] : [c.runs[m].share!]))
  const reduction = (m: Method): number | null => {
    const s = mean(shares(m))
    return s === null ? null : (1 - s) * 100
  }
  const matchShares = shares('match')
  const speed = fittedChain ? await chainSpeed(fittedChain, join(SET, `${set.cases[0]!.name}-content.wav`)) : null
  const summary: MatchSummary = {
    meanReductionPct: round(reduction('match')),
    worstSharePct: matchShares.length === 0 ? null : round(Math.max(...matchShares) * 100),
    fitMedianMs: round(median(cases.flatMap((c) => (c.runs.match.wallMs === undefined ? [] : [c.runs.match.wallMs]))), 0),
    chainRealtimeX: round(speed?.whole ?? null, 0),
    chainStagesRealtimeX: round(speed?.stages ?? null, 0),
    textureMeanReductionPct: round(reduction('texture')),
    gramMeanReductionPct: round(reduction('gram')),
    cases
  }
  process.stderr.write(`${report(cases, summary)}\n`)
  const figures: Record<string, number> = {}
  for (const [k, v] of Object.entries(summary)) if (typeof v === 'number') figures[`match${k[0]!.toUpperCase()}${k.slice(1)}`] = v
  return { figures, match: summary }
}

/** The section's text: per case, per chain, per method, and the targets. */
function report(cases: MatchCase[], s: MatchSummary): string {
  const cell = (r: MethodRun, v: number | undefined, f: (x: number) => string): string => (v === undefined ? (r.note?.startsWith('skipped') ? 'skip' : r.note === 'not available' ? 'n/a' : 'fail') : f(v))
  const pct = (x: number): string => `${(x * 100).toFixed(0)}%`
  const rows = cases.map((c) => [
    c.name,
    c.d0.toFixed(2),
    ...METHODS.map((m) => cell(c.runs[m], c.runs[m].share, pct)),
    cell(c.runs.match, c.runs.match.lufsError, (x) => x.toFixed(1)),
    cell(c.runs.match, c.runs.match.wallMs, (x) => x.toFixed(0))
  ])
  const lines = [table(['case', 'D0 dB', 'match share', 'texture share', 'gram share', 'match LUFS err', 'match wall ms'], rows)]
  const chains = [...new Set(cases.map((c) => c.name.split('-').slice(1).join('-')))]
  const chainRows = chains.map((ch) => {
    const of = cases.filter((c) => c.name.endsWith(`-${ch}`))
    return [ch, ...METHODS.map((m) => {
      const v = mean(of.flatMap((c) => (c.runs[m].share === undefined ? [] : [c.runs[m].share!])))
      return v === null ? '-' : pct(v)
    })]
  })
  lines.push('', table(['chain (mean share)', 'match', 'texture', 'gram'], chainRows))
  const failures = cases.flatMap((c) => METHODS.flatMap((m) => (c.runs[m].note?.startsWith('failed') ? [`${c.name} ${m}: ${c.runs[m].note}`] : [])))
  if (failures.length > 0) lines.push('', ...failures)
  if (cases.some((c) => c.runs.texture.note?.startsWith('skipped (pairing'))) lines.push('', 'texture and gram ran on the first pairing only (--match-all for all cases)')
  const fmt = (v: number | null, unit: string): string => (v === null ? 'not available' : `${v}${unit}`)
  const ok = (v: number | null, pass: (x: number) => boolean): string => (v === null ? '-' : pass(v) ? 'met' : 'MISSED')
  lines.push(
    '',
    table(
      ['target', 'value', 'status'],
      [
        ['match removes >= 50 % of the dry distance on average', fmt(s.meanReductionPct, ' %'), ok(s.meanReductionPct, (v) => v >= 50)],
        ['no match case worse than dry (share <= 100 %)', fmt(s.worstSharePct, ' %'), ok(s.worstSharePct, (v) => v <= 100)],
        ['fit <= 10 s for a 5 s pair (median render wall time)', fmt(s.fitMedianMs, ' ms'), ok(s.fitMedianMs, (v) => v <= 10_000)],
        ['fitted chain >= 100x realtime (60 s at 44.1 kHz)', fmt(s.chainRealtimeX, 'x'), ok(s.chainRealtimeX, (v) => v >= 100)],
        ['  of which the effect stages alone', fmt(s.chainStagesRealtimeX, 'x'), '-'],
        ['texture mean reduction (for comparison)', fmt(s.textureMeanReductionPct, ' %'), '-'],
        ['gram mean reduction (for comparison)', fmt(s.gramMeanReductionPct, ' %'), '-']
      ]
    )
  )
  return lines.join('\n')
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { match } = await benchMatch({ all: process.argv.includes('--match-all'), matchOnly: process.argv.includes('--match-only') })
  process.stdout.write(JSON.stringify({ match }) + '\n')
}
