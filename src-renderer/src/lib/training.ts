/** Training panel maths: the request from the settings, what is wrong with them, labels and the tagger to use. */
import type { ModelSummary, RunSummary, TaggerArch, TaggerSplitChoice, TrainingOutcome, TrainingRequest } from '../../../src-preload/api'

/** What the panel's fields hold (numbers may be anything a user types). */
export interface TrainingSettings {
  datasetId: number | null
  arch: TaggerArch
  split: TaggerSplitChoice
  epochs: number
  batch: number
  top: number
  /** 0 or empty: no time limit. */
  maxMinutes: number | null
}

/** The panel's starting values: the service's preset (Dieleman net, standard split, batch 16, top 50). */
export function defaultSettings(): TrainingSettings {
  return { datasetId: null, arch: 'dieleman', split: 'standard', epochs: 20, batch: 16, top: 50, maxMinutes: null }
}

const wholeIn = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi

/** Why the settings cannot start a run (the first problem, in the panel's words), or null. Same bounds as the host's schema. */
export function settingsProblem(s: TrainingSettings): string | null {
  if (s.datasetId === null) return 'Import a MagnaTagATune dataset first (npm run cli -- import-mtat DIR)'
  if (!wholeIn(s.epochs, 1, 1000)) return 'Epochs: a whole number from 1 to 1000'
  if (!wholeIn(s.batch, 1, 1024)) return 'Batch: a whole number from 1 to 1024'
  if (!wholeIn(s.top, 1, 500)) return 'Tags: a whole number from 1 to 500'
  if (s.maxMinutes !== null && !(Number.isFinite(s.maxMinutes) && s.maxMinutes >= 0 && s.maxMinutes <= 7 * 24 * 60)) return 'Max minutes: empty, or up to a week'
  return null
}

/** The request for valid settings (a time limit only when one is set). */
export function trainingRequest(s: TrainingSettings & { datasetId: number }): TrainingRequest {
  return {
    datasetId: s.datasetId,
    arch: s.arch,
    split: s.split,
    epochs: s.epochs,
    batch: s.batch,
    top: s.top,
    ...(s.maxMinutes !== null && s.maxMinutes > 0 && { maxMinutes: s.maxMinutes })
  }
}

/** True for a model the tagger jobs can load: a tagger with at least one checkpoint. */
export function canTag(m: ModelSummary): boolean {
  return m.kind.startsWith('tagger/') && m.runs.some((r) => r.checkpoints.length > 0)
}

/** The tagger to tag with: the chosen model when it can tag, else the newest that can (models come newest first). */
export function pickTagger(models: readonly ModelSummary[], chosenId: number | null): ModelSummary | undefined {
  const chosen = models.find((m) => m.id === chosenId)
  return chosen && canTag(chosen) ? chosen : models.find(canTag)
}

/** The best validation ROC-AUC over a model's runs (null when none was scored). */
export function bestRocAuc(m: ModelSummary): number | null {
  const scored = m.runs.map((r) => r.bestValRocAuc).filter((v): v is number => v !== null)
  return scored.length > 0 ? Math.max(...scored) : null
}

/** A loss or ROC-AUC to three decimals ("0.912"), or an em dash when there is no figure. */
export function formatMetric(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3)
}

/** "812 KB", "3.4 MB": a checkpoint's size on disk. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return '—'
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let v = bytes / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u += 1
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[u]}`
}

/** "212 clips/s", "3.4 clips/s". */
export function formatRate(clipsPerSecond: number | undefined): string {
  if (clipsPerSecond === undefined || !Number.isFinite(clipsPerSecond)) return ''
  return `${clipsPerSecond >= 100 ? Math.round(clipsPerSecond) : clipsPerSecond.toFixed(1)} clips/s`
}

/** A tag's probability as a chip shows it: "87%", "<1%" below half a percent. */
export function probabilityLabel(p: number): string {
  if (!Number.isFinite(p)) return '—'
  return p < 0.005 ? '<1%' : `${Math.round(p * 100)}%`
}

/** "dieleman" from "tagger/dieleman"; other kinds as they are. */
export function archOf(kind: string): string {
  return kind.startsWith('tagger/') ? kind.slice('tagger/'.length) : kind
}

/** A run's line in the model list: "run 3 · completed · 2 epochs". */
export function runLabel(r: Pick<RunSummary, 'id' | 'status' | 'epochs' | 'checkpoints'>): string {
  const done = r.checkpoints.length
  const epochs = r.epochs === null ? `${done} epoch${done === 1 ? '' : 's'}` : `${done}/${r.epochs} epochs`
  return `run ${r.id} · ${r.status} · ${epochs}`
}

/** Why a run stopped before its epochs, in the status line's words (a run that did them all says nothing). */
const STOP_WORDS: Record<string, string> = {
  'early-stopping': 'stopped early: no better validation ROC-AUC for a few epochs',
  time: 'stopped at the time limit'
}

/** The status line when a run finishes: its figures, or why there is no ROC-AUC. */
export function trainingSummary(t: Pick<TrainingOutcome, 'runId' | 'epochs' | 'reason' | 'testSplit' | 'testRocAuc' | 'clipsPerSecond' | 'tags' | 'leftOutTags'>): string {
  const why = STOP_WORDS[t.reason]
  const head = `Training finished: run ${t.runId}, ${t.epochs} epoch${t.epochs === 1 ? '' : 's'}${why ? ` (${why})` : ''}`
  if (t.testRocAuc !== null) return `${head}, ${t.testSplit} ROC-AUC ${formatMetric(t.testRocAuc)}, ${formatRate(t.clipsPerSecond)}`
  // A split too small to score: every tag needs a positive and a negative clip in it.
  const unscored = t.leftOutTags.length >= t.tags.length ? `no tag has both a positive and a negative clip in the ${t.testSplit} split` : 'the split could not be scored'
  return `${head}, ${formatRate(t.clipsPerSecond)}; no ${t.testSplit} ROC-AUC: ${unscored}`
}
