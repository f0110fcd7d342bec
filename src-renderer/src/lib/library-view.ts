import type { LibraryDataset, ModelSummary, PresetInfo, RenderSummary, RunSummary } from '../../../src-preload/api'
import { fileName } from './render-library'

/** How every section of the library view is ordered: by date, by name, or by its headline figure (best first). */
export type LibrarySort = 'newest' | 'oldest' | 'name' | 'metric'

/** What sorting looks at in a row of any section. */
interface SortKeys {
  name: string
  date: string
  id: number
  /** Best first: [family rank, value with higher better]; null when the row has no figure (sorted last). */
  metric: [number, number] | null
}

/** The words of a search box, lower-cased (blank: no words, everything matches). */
export function searchWords(text: string): string[] {
  return text.trim().toLowerCase().split(/\s+/).filter(Boolean)
}

/** Whether every word occurs (as a substring, case-insensitive) in one of `fields`. */
export function matchesAll(words: readonly string[], fields: readonly (string | number | null | undefined)[]): boolean {
  if (words.length === 0) return true
  const hay = fields.filter((f) => f !== null && f !== undefined).join(' ').toLowerCase()
  return words.every((w) => hay.includes(w))
}

function sortRows<T>(rows: T[], sort: LibrarySort, keys: (t: T) => SortKeys): T[] {
  const newest = (a: SortKeys, b: SortKeys): number => b.date.localeCompare(a.date) || b.id - a.id
  const cmp: Record<LibrarySort, (a: SortKeys, b: SortKeys) => number> = {
    newest,
    oldest: (a, b) => -newest(a, b),
    name: (a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true }) || a.id - b.id,
    metric: (a, b) => {
      if (a.metric === null || b.metric === null) return (a.metric === null ? 1 : 0) - (b.metric === null ? 1 : 0) || newest(a, b)
      return a.metric[0] - b.metric[0] || b.metric[1] - a.metric[1] || newest(a, b)
    }
  }
  return rows
    .map((row) => ({ row, k: keys(row) }))
    .sort((a, b) => cmp[sort](a.k, b.k))
    .map((x) => x.row)
}

/**
 * A model's headline figure for the metric sort: a tagger's best validation ROC-AUC over its runs
 * (higher first), then a WaveNet's lowest validation NLL (lower first); null without either.
 */
export function modelMetric(m: ModelSummary): [number, number] | null {
  const auc = m.runs.map((r) => r.bestValRocAuc).filter((v): v is number => v !== null)
  if (auc.length > 0) return [0, Math.max(...auc)]
  const nll = m.runs.map((r) => r.bestValidNll).filter((v): v is number => v !== null)
  return nll.length > 0 ? [1, -Math.min(...nll)] : null
}

/** A render's figure for the metric sort: the output's distance to the style (closest first). */
export function renderMetric(r: RenderSummary): [number, number] | null {
  const d = r.metrics.styleDistanceOutput
  return d !== undefined && Number.isFinite(d) ? [0, -d] : null
}

/** The text a model row is searched by: its name, kind, tags, speakers, and each run's id, status and split. */
function modelFields(m: ModelSummary): string[] {
  return [m.name, m.kind, ...m.tags, ...m.speakers.map((s) => s.code), ...m.runs.flatMap((r) => [`run ${r.id}`, r.status, r.split ?? ''])]
}

/** What the library view shows after the search box and the sort; `empty` says why a search shows nothing. */
export interface LibraryView {
  models: ModelSummary[]
  renders: RenderSummary[]
  datasets: LibraryDataset[]
  presets: PresetInfo[]
  /** One line when words were typed and no row of any section matches them; null otherwise. */
  empty: string | null
}

/**
 * The one search box over every section (every word must occur in a row: models by name, kind, tags,
 * speakers, run status; renders by name, method and file names; datasets by name, kind and folder;
 * presets by name), each section in `sort` order (the metric sort: models by modelMetric, renders
 * by renderMetric, datasets by clip count, presets by name).
 */
export function filterLibrary(
  all: { models: readonly ModelSummary[]; renders: readonly RenderSummary[]; datasets: readonly LibraryDataset[]; presets: readonly PresetInfo[] },
  text: string,
  sort: LibrarySort
): LibraryView {
  const words = searchWords(text)
  const models = sortRows(
    all.models.filter((m) => matchesAll(words, modelFields(m))),
    sort,
    (m) => ({ name: m.name, date: m.createdAt, id: m.id, metric: modelMetric(m) })
  )
  const renders = sortRows(
    all.renders.filter((r) => matchesAll(words, [r.name, r.method, fileName(r.contentPath), fileName(r.stylePath), fileName(r.outputPath)])),
    sort,
    (r) => ({ name: r.name, date: r.createdAt, id: r.id, metric: renderMetric(r) })
  )
  const datasets = sortRows(
    all.datasets.filter((d) => matchesAll(words, [d.name, d.kind, d.rootPath])),
    sort,
    (d) => ({ name: d.name, date: d.importedAt, id: d.id, metric: [0, d.clips] })
  )
  const presets = sortRows(
    all.presets.filter((p) => matchesAll(words, [p.name])),
    sort === 'metric' ? 'name' : sort,
    (p) => ({ name: p.name, date: p.updatedAt, id: p.id, metric: null })
  )
  const nothing = models.length + renders.length + datasets.length + presets.length === 0
  return { models, renders, datasets, presets, empty: words.length > 0 && nothing ? `nothing in the library matches "${text.trim()}"` : null }
}

/** A run's wall time in seconds from its start to its end (or to `now` while it runs); null before it starts. */
export function runSeconds(run: Pick<RunSummary, 'startedAt' | 'finishedAt' | 'status'>, now: number): number | null {
  if (run.startedAt === null) return null
  const end = run.finishedAt !== null ? Date.parse(run.finishedAt) : run.status === 'running' ? now : null
  if (end === null) return null
  const s = (end - Date.parse(run.startedAt)) / 1000
  return Number.isFinite(s) && s >= 0 ? s : null
}

/** Seconds as a producer reads a duration: "42 s", "3 min 05 s", "2 h 07 min"; "-" for null. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '-'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`
}

/** Keys a training job records for its own bookkeeping (where it ran, its ownership token): not settings a person chose. */
const BOOKKEEPING = new Set(['dataDir', 'runToken'])

/** A run's settings as "name value" strings in name order (nested settings as compact JSON, long ones cut; bookkeeping keys and unset (null) values left out). */
export function configList(config: Record<string, unknown>): string[] {
  // A list of 50 tags or a speaker table would drown the row: past this many characters a value is cut.
  const MAX_VALUE = 40
  return Object.keys(config)
    .filter((k) => !BOOKKEEPING.has(k) && config[k] !== null)
    .sort()
    .map((k) => {
      const v = config[k]
      const text = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v)
      return `${k} ${text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text}`
    })
}

/** The metric sort's figure of a run, as the row shows it ("val ROC-AUC 0.812", "valid NLL 2.31"); null without one. */
export function runHeadline(r: RunSummary): string | null {
  if (r.bestValRocAuc !== null) return `best val ROC-AUC ${r.bestValRocAuc.toFixed(3)}${r.testRocAuc !== null ? `, test ${r.testRocAuc.toFixed(3)}` : ''}`
  if (r.bestValidNll !== null) return `best valid NLL ${r.bestValidNll.toFixed(3)} nats/sample`
  return null
}
