/** Latent explorer maths: which models it can use, each dimension's row (z, its adjustment, sigma, KL), and the decode request. */
import type { LatentCode, LatentDecodeRequest, ModelSummary } from '../../../src-preload/api'
import { LATENT_Z_RANGE, latentRangeProblem } from '../../../src-main/api/latent-bounds'
import { COLLAPSED_KL } from './vae'

/**
 * Slider ranges per dimension: bias in prior standard deviations (±3 covers 99.7 % of the prior), scale
 * from -2 (mirrored, doubled) to 2; both well inside the service's sanity ranges (latent-bounds.ts).
 */
export const BIAS_RANGE = { min: -3, max: 3, step: 0.05 } as const
export const SCALE_RANGE = { min: -2, max: 2, step: 0.05 } as const

/** The explorer's first decode: two seconds (the target clip), the model's own distribution, seed 0. */
export const DEFAULT_DECODE = { seconds: 2, temperature: 1, seed: 0 } as const

/** True for a model the explorer can use: an audio VLAE with a checkpoint and a known width of z. */
export function canExplore(m: Pick<ModelSummary, 'kind' | 'latents' | 'runs'>): boolean {
  return m.kind === 'vae/vlae' && m.latents !== null && m.runs.some((r) => r.checkpoints.length > 0)
}

/**
 * KL(N(mu, sigma²) ‖ N(0, 1)) of one dimension, nats: ½(mu² + sigma² − 1 − ln sigma²) (Kingma &
 * Welling 2014, appendix B). 0 when the posterior is the prior; NaN for a sigma that is not positive.
 */
export function gaussianKl(mu: number, sigma: number): number {
  if (!(sigma > 0) || !Number.isFinite(mu)) return NaN
  return 0.5 * (mu * mu + sigma * sigma - 1 - 2 * Math.log(sigma))
}

/**
 * A trained VLAE's KL per latent dimension on its test crops (kl_0..kl_{L-1} of its newest checkpoint
 * that has them), null when none was recorded.
 */
export function modelKlDims(m: Pick<ModelSummary, 'latents' | 'runs'>): number[] | null {
  if (m.latents === null) return null
  const checkpoints = m.runs.flatMap((r) => r.checkpoints).filter((c) => Number.isFinite(c.metrics['kl_0']))
  const newest = checkpoints.reduce<(typeof checkpoints)[number] | undefined>((a, c) => (a === undefined || c.step > a.step || (c.step === a.step && c.id > a.id) ? c : a), undefined)
  if (!newest) return null
  return Array.from({ length: m.latents }, (_, j) => newest.metrics[`kl_${j}`] ?? NaN)
}

/** One dimension as the explorer lists it. */
export interface DimensionRow {
  index: number
  /** The code's value and the one decoded: z * scale + bias. */
  z: number
  adjusted: number
  bias: number
  scale: number
  /** The clip's posterior standard deviation (null: a prior draw or an interpolation). */
  sigma: number | null
  /** The clip's KL on this dimension (null without sigma), nats. */
  kl: number | null
  /** The model's mean KL on this dimension over its test crops (null when not recorded), nats. */
  modelKl: number | null
  /** The model puts no information here (modelKl under COLLAPSED_KL): moving it should change little. */
  collapsed: boolean
}

/** The rows of a code's dimensions with their adjustments (bias 0 and scale 1 where not given) and the model's KL. */
export function dimensionRows(code: Pick<LatentCode, 'z' | 'sigma'>, bias: readonly number[], scale: readonly number[], modelKl: readonly number[] | null): DimensionRow[] {
  return code.z.map((z, j) => {
    const b = bias[j] ?? 0
    const s = scale[j] ?? 1
    const sigma = code.sigma?.[j] ?? null
    const mk = modelKl?.[j]
    const known = mk !== undefined && Number.isFinite(mk)
    return { index: j, z, adjusted: z * s + b, bias: b, scale: s, sigma, kl: sigma === null ? null : gaussianKl(z, sigma), modelKl: known ? mk : null, collapsed: known && mk < COLLAPSED_KL }
  })
}

/** A bar's width for a KL next to the largest of the model's: 0..1 (0 for an unknown figure). */
export function klFraction(kl: number | null, all: readonly (number | null)[]): number {
  const max = Math.max(0, ...all.filter((v): v is number => v !== null && Number.isFinite(v)))
  return kl === null || !Number.isFinite(kl) || max <= 0 ? 0 : Math.min(1, Math.max(0, kl / max))
}

/** True when every dimension is left as it is (bias 0, scale 1): the decode is the code's own. */
export function untouched(bias: readonly number[], scale: readonly number[]): boolean {
  return bias.every((b) => b === 0) && scale.every((s) => s === 1)
}

/** What the decode fields hold. */
export interface DecodeSettings {
  seconds: number
  temperature: number
  seed: number
}

/**
 * Why the fields cannot decode (the panel's words), or null; the service checks the same bounds again.
 * With the adjustment, a z' = z * scale + bias outside the service's LATENT_Z_RANGE (an encoded code far
 * out, pushed further) is named by dimension, value and range.
 */
export function decodeProblem(code: LatentCode | null, s: DecodeSettings, bias: readonly number[] = [], scale: readonly number[] = []): string | null {
  if (!code) return 'Encode a clip or sample from the prior first'
  const outside = latentRangeProblem(
    dimensionRows(code, bias, scale, null).map((r) => r.adjusted),
    LATENT_Z_RANGE
  )
  if (outside !== null) return `z * scale + bias: ${outside}`
  if (!(s.seconds > 0 && s.seconds <= 600)) return 'Seconds: above 0, at most 600'
  if (!(s.temperature > 0)) return 'Temperature: above 0 (1 samples the model, lower is more conservative)'
  if (!(Number.isInteger(s.seed) && s.seed >= 0)) return 'Seed: a whole number from 0'
  return null
}

/** The decode request: the adjustments only when some dimension is moved. */
export function decodeRequest(code: LatentCode, bias: readonly number[], scale: readonly number[], s: DecodeSettings, jobId: string): LatentDecodeRequest {
  return {
    code,
    seconds: s.seconds,
    temperature: s.temperature,
    seed: s.seed,
    jobId,
    ...(!untouched(bias, scale) && { bias: [...bias], scale: [...scale] })
  }
}

/** "p225_001.wav", "prior (seed 3)", "A→B t = 0.40": where a code came from, in a few words. */
export function codeLabel(code: Pick<LatentCode, 'source'>, detail?: string): string {
  if (code.source === 'prior' || code.source === 'interpolation') return detail ? `${code.source} (${detail})` : code.source
  return code.source.split(/[\\/]/).pop()!.replace(/^[0-9a-f]{8}-/, '')
}

/** "2.00 s in 1.43 s · 1.40× realtime · 22,400 samples/s": a decode's timing as the panel reports it. */
export function decodeTiming(o: { audio: { duration: number }; wallMs: number; xRealtime: number; samplesPerSecond: number }): string {
  return `${o.audio.duration.toFixed(2)} s in ${(o.wallMs / 1000).toFixed(2)} s · ${o.xRealtime.toFixed(2)}× realtime · ${Math.round(o.samplesPerSecond).toLocaleString('en-US')} samples/s`
}
