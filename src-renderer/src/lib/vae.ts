/** VAE training maths for the panel: the request from the fields, the datasets a preset takes, a run's curves as the chart draws them, and the KL of each latent. */
import type { ModelSummary, TrainingDataset, VaePreset, VaeTrainingOutcome, VaeTrainingRequest } from '../../../src-preload/api'
import type { CurveLike, CurvesLike } from './curves'

/** What the VAE training fields hold (numbers may be anything a user types). */
export interface VaeSettings {
  datasetId: number | null
  preset: VaePreset
  latents: number
  epochs: number
  /** 0 or empty: no time limit. */
  maxMinutes: number | null
  /** MNIST: importance samples of the log p(x) estimate (0 skips it). */
  iwaeK: number
}

/** Each preset's width of z (vae-training.ts VAE_PRESETS.mnist, vlae-training.ts VLAE_PRESET). */
export const PRESET_LATENTS: Record<VaePreset, number> = { mnist: 20, vlae: 16 }

/** The k of the standard log p(x) figure (Burda et al. 2015), the preset's. */
export const DEFAULT_IWAE_K = 5000

/** The starting values: the MNIST reproduction, ten epochs (the preset's 100 take an hour on a CPU). */
export function defaultVaeSettings(): VaeSettings {
  return { datasetId: null, preset: 'mnist', latents: PRESET_LATENTS.mnist, epochs: 10, maxMinutes: null, iwaeK: DEFAULT_IWAE_K }
}

const wholeIn = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi

/** Why the settings cannot start a run (the first problem, in the panel's words), or null. Same bounds as the host's schema. */
export function vaeSettingsProblem(s: VaeSettings): string | null {
  if (s.datasetId === null) return s.preset === 'mnist' ? 'Import MNIST first (npm run cli -- import-mnist)' : 'Import a VCTK-format dataset first (npm run cli -- import-vctk DIR)'
  if (!wholeIn(s.latents, 1, 512)) return 'Latents: a whole number from 1 to 512'
  if (!wholeIn(s.epochs, 1, 1000)) return 'Epochs: a whole number from 1 to 1000'
  if (s.maxMinutes !== null && !(Number.isFinite(s.maxMinutes) && s.maxMinutes >= 0 && s.maxMinutes <= 7 * 24 * 60)) return 'Max minutes: empty, or up to a week'
  if (s.preset === 'mnist' && !wholeIn(s.iwaeK, 0, 100_000)) return 'k: a whole number from 0 (no estimate) to 100,000'
  return null
}

/** The request for valid settings (k only for MNIST, a time limit only when one is set). */
export function vaeTrainingRequest(s: VaeSettings & { datasetId: number }): VaeTrainingRequest {
  return {
    family: 'vae',
    preset: s.preset,
    datasetId: s.datasetId,
    latents: s.latents,
    epochs: s.epochs,
    ...(s.maxMinutes !== null && s.maxMinutes > 0 && { maxMinutes: s.maxMinutes }),
    ...(s.preset === 'mnist' && { iwaeK: s.iwaeK })
  }
}

/** The datasets a preset trains on: MNIST imports for `mnist`, VCTK-format imports for `vlae`. */
export function vaeDatasets(preset: VaePreset, all: readonly TrainingDataset[]): TrainingDataset[] {
  return all.filter((d) => d.kind === (preset === 'mnist' ? 'mnist' : 'vctk'))
}

/** True for a VAE of either preset ('vae/mlp', 'vae/vlae'). */
export function isVae(m: Pick<ModelSummary, 'kind'>): boolean {
  return m.kind.startsWith('vae/')
}

/** True for an image VAE (the MNIST model) with a checkpoint: what the pictures can draw. */
export function canPicture(m: Pick<ModelSummary, 'kind' | 'runs'>): boolean {
  return m.kind === 'vae/mlp' && m.runs.some((r) => r.checkpoints.length > 0)
}

/** A VAE's line in the model list: "vae/vlae · 4 latents". */
export function vaeModelMeta(m: Pick<ModelSummary, 'kind' | 'latents'>): string {
  return m.latents === null ? m.kind : `${m.kind} · ${m.latents} latent${m.latents === 1 ? '' : 's'}`
}

/** A VAE checkpoint's test ELBO (nats per image or clip), null when it has none. */
export function checkpointElbo(c: { metrics: Record<string, number> }): number | null {
  const v = c.metrics.testElbo
  return v !== undefined && Number.isFinite(v) ? v : null
}

/** An ELBO as the model list shows it: one decimal ("-209.2"), an em dash when there is none. */
export function elboLabel(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '—' : v.toFixed(1)
}

/** A VAE run's test ELBO at its newest checkpoint (checkpoints come newest first), null before one. */
export function runElbo(r: { checkpoints: { metrics: Record<string, number> }[] }): number | null {
  const c = r.checkpoints[0]
  return c ? checkpointElbo(c) : null
}

/** "image" for the MNIST model, "clip" (a crop of the model's samples) for the VLAE: what one example is. */
export function perWhat(kind: string): string {
  return kind === 'vae/vlae' ? 'clip' : 'image'
}

/** The unit of a VAE's curves: nats per image (MNIST), per sample for the VLAE (its batch loss is logged per sample). */
export function curveUnit(kind: string): string {
  return kind === 'vae/vlae' ? 'nats/sample' : 'nats/image'
}

const negate = (c: CurveLike | undefined): CurveLike | undefined => (c ? { steps: c.steps, values: Array.from(c.values, (v) => -v) } : undefined)

/**
 * A VAE run's curves in the chart's terms: `loss` (the negative ELBO of each batch) as logged, and
 * the negative train and test ELBO per epoch as the chart's epoch loss and validation NLL (−ELBO
 * bounds the NLL from above), in the batch loss's unit (curveUnit): per image for the MNIST model,
 * per sample for the VLAE (whose per-clip figures are its crop's samples times larger).
 */
export function vaeChartCurves(curves: CurvesLike, kind: string): CurvesLike {
  const perSample = kind === 'vae/vlae'
  return {
    loss: curves.loss,
    epochLoss: negate(perSample ? curves.trainElboPerSample : curves.trainElbo),
    validNll: negate(perSample ? curves.testElboPerSample : curves.testElbo)
  }
}

/** KL below this many nats carries no information: a collapsed dimension (its posterior is the prior). */
export const COLLAPSED_KL = 0.01

/** The KL of each latent dimension at the run's last epoch (from kl_0..kl_{L-1}), and which have collapsed. */
export interface KlByDim {
  /** Last logged value of dimension j, nats per image or clip. */
  last: number[]
  /** Dimensions whose last KL is under COLLAPSED_KL. */
  collapsed: number[]
}

/** Reads the per-dimension KL metrics (kl_0, kl_1, ...) of a run's curves, in dimension order; null when there are none. */
export function klByDim(curves: CurvesLike): KlByDim | null {
  const dims = Object.keys(curves)
    .map((k) => /^kl_(\d+)$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b)
  if (dims.length === 0) return null
  const width = dims.at(-1)! + 1
  const last = Array.from({ length: width }, (_, j) => {
    const c = curves[`kl_${j}`]
    const v = c && c.values.length > 0 ? c.values[c.values.length - 1]! : NaN
    return Number.isFinite(v) ? v : NaN
  })
  return { last, collapsed: last.flatMap((v, j) => (Number.isFinite(v) && v < COLLAPSED_KL ? [j] : [])) }
}

/** The bar chart's series: x = dimension, the active dims' KL and the collapsed ones' (null where the other holds the bar). */
export function klBars(kl: KlByDim): { x: number[]; active: (number | null)[]; collapsed: (number | null)[] } {
  const down = new Set(kl.collapsed)
  return {
    x: kl.last.map((_, j) => j),
    active: kl.last.map((v, j) => (down.has(j) || !Number.isFinite(v) ? null : v)),
    collapsed: kl.last.map((v, j) => (down.has(j) ? v : null))
  }
}

const nats = (v: number | null, digits = 2): string => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(digits))

/** The status line when a VAE run finishes: its test ELBO and KL, and the log p(x) estimate where measured. */
export function vaeSummary(t: VaeTrainingOutcome): string {
  const per = t.preset === 'vlae' ? 'clip' : 'image'
  const why = t.reason === 'time' ? ' (stopped at the time limit)' : ''
  const head = `VAE trained: run ${t.runId}, ${t.epochs} epoch${t.epochs === 1 ? '' : 's'}${why}, test ELBO ${nats(t.testElbo)} nats per ${per} (KL ${nats(t.testKl)})`
  const perSample = t.testElboPerSample === null ? '' : `, ${nats(t.testElboPerSample, 4)} per sample`
  const iwae = t.testIwae === null ? '' : `, log p(x) ≥ ${nats(t.testIwae)} (k = ${t.k})`
  const collapsed = t.klDims.filter((v) => v < COLLAPSED_KL).length
  const dims = t.klDims.length === 0 ? '' : `; ${t.klDims.length - collapsed} of ${t.klDims.length} latents in use`
  return head + perSample + iwae + dims
}
