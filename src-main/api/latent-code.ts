/**
 * The latent explorer's arithmetic on codes, with its refusals: a code's shape checked against its
 * model, the linear interpolation of two codes, the per-dimension adjustment z' = z * scale + bias
 * (rave_vst's bias and scale controls), and the pooling of per-window posteriors of a long clip.
 * Pure functions over number arrays; every refusal is one UserError line naming the thing.
 */
import { z } from 'zod'
import type { LatentCode } from '../../src-preload/api'
import { UserError } from '../util/errors'
import { LATENT_BIAS_RANGE, LATENT_SCALE_RANGE, LATENT_Z_RANGE, latentRangeProblem, type LatentRange } from './latent-bounds'

// Values of a code or adjustment; their count is checked against the model in the service's words.
// 512 bounds a payload: training refuses a VLAE of more latents. Each value is held to its sanity
// range (latent-bounds.ts) here already, so a code file or an IPC payload of z = 1e30 is refused in
// the same words as the service's.
const latentValues = (range: LatentRange): z.ZodType<number[]> =>
  z
    .array(z.number())
    .max(512)
    .superRefine((values, ctx) => {
      const problem = latentRangeProblem(values, range)
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem })
    })

/** A latent code's shape (the contract's LatentCode): what the doors and a code file are checked against. */
export const latentCodeSchema: z.ZodType<LatentCode> = z.strictObject({
  modelId: z.number().int().min(1),
  checkpointId: z.number().int().min(1),
  model: z.string().max(500),
  z: latentValues(LATENT_Z_RANGE),
  sigma: z.array(z.number()).max(512).nullable(),
  source: z.string().max(4096),
  sampleRate: z.number().positive()
})

/** Per-dimension bias values, each within LATENT_BIAS_RANGE. */
export const latentBiasSchema = latentValues(LATENT_BIAS_RANGE)
/** Per-dimension scale values, each within LATENT_SCALE_RANGE. */
export const latentScaleSchema = latentValues(LATENT_SCALE_RANGE)

/** `value` as a latent code, or one UserError line naming `what` and the first thing wrong. */
export function parseLatentCode(value: unknown, what: string): LatentCode {
  const parsed = latentCodeSchema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const at = issue.path.join('.')
  throw new UserError(`${what}: not a latent code (${at === '' ? '' : `${at}: `}${issue.message})`)
}

/**
 * Refuses, naming `what`, a vector that is not `size` finite numbers, or (given `range`) one with a
 * value outside it: "bias: dimension 0 is 1000000000, outside the allowed -50..50".
 */
export function checkVector(values: unknown, size: number, what: string, range?: LatentRange): asserts values is number[] {
  if (!Array.isArray(values)) throw new UserError(`${what}: not a list of numbers`)
  if (values.length !== size) throw new UserError(`${what}: ${values.length} values, but the model has ${size} latents`)
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v))
  if (bad >= 0) throw new UserError(`${what}: value ${bad} (${String(values[bad])}) is not a finite number`)
  const problem = range && latentRangeProblem(values as number[], range)
  if (problem) throw new UserError(`${what}: ${problem}`)
}

/**
 * Refuses, naming `what`, a code whose z (and sigma, when present) is not `latents` finite numbers,
 * whose z leaves LATENT_Z_RANGE, or whose sigma has a negative value.
 */
export function checkCode(code: LatentCode, latents: number, what: string): void {
  checkVector(code.z, latents, `${what} z`, LATENT_Z_RANGE)
  if (code.sigma !== null) {
    checkVector(code.sigma, latents, `${what} sigma`)
    const neg = code.sigma.findIndex((s) => s < 0)
    if (neg >= 0) throw new UserError(`${what} sigma: value ${neg} (${code.sigma[neg]}) is negative`)
  }
}

/** Refuses two codes of different models or checkpoints (their latent spaces do not share axes). */
export function checkSameSpace(a: LatentCode, b: LatentCode): void {
  if (a.modelId !== b.modelId) throw new UserError(`interpolation: the codes come from different models (${a.modelId} and ${b.modelId}); encode both clips with one model`)
  if (a.checkpointId !== b.checkpointId) throw new UserError(`interpolation: the codes come from different checkpoints of model ${a.modelId} (${a.checkpointId} and ${b.checkpointId}); encode both clips with one checkpoint`)
}

/**
 * (1 - t) a + t b in z (t in 0..1; 0 gives a, 1 gives b). Refuses t outside 0..1, codes of different
 * models or checkpoints, and z of different or non-finite sizes. The result's sigma is null (a point,
 * not a posterior) and its source 'interpolation'.
 */
export function interpolateCodes(a: LatentCode, b: LatentCode, t: number): LatentCode {
  if (!(Number.isFinite(t) && t >= 0 && t <= 1)) throw new UserError(`t: ${t} is not in 0..1`)
  checkSameSpace(a, b)
  checkVector(a.z, a.z.length, 'code a z', LATENT_Z_RANGE)
  checkVector(b.z, a.z.length, 'code b z', LATENT_Z_RANGE)
  return { ...a, z: a.z.map((v, i) => (1 - t) * v + t * b.z[i]!), sigma: null, source: 'interpolation' }
}

/**
 * z' = z * scale + bias per dimension (scale absent: ones; bias absent: zeros). Refuses, one line
 * each: a z ('latent vector'), bias or scale with non-finite values or outside LATENT_Z_RANGE,
 * LATENT_BIAS_RANGE, LATENT_SCALE_RANGE (latent-bounds.ts says why), a bias or scale of another size
 * than z, and a result outside LATENT_Z_RANGE.
 */
export function adjustLatent(z: readonly number[], adjust: { bias?: readonly number[]; scale?: readonly number[] }): number[] {
  checkVector(z, z.length, 'latent vector', LATENT_Z_RANGE)
  if (adjust.bias !== undefined) checkVector(adjust.bias, z.length, 'bias', LATENT_BIAS_RANGE)
  if (adjust.scale !== undefined) checkVector(adjust.scale, z.length, 'scale', LATENT_SCALE_RANGE)
  const out = z.map((v, i) => v * (adjust.scale?.[i] ?? 1) + (adjust.bias?.[i] ?? 0))
  // Bounded z, bias and scale cannot overflow; the result can still leave the range (40 * 10).
  const problem = latentRangeProblem(out, LATENT_Z_RANGE)
  if (problem !== null) throw new UserError(`z * scale + bias: ${problem}`)
  return out
}

/**
 * Pools the diagonal Gaussian posteriors of a clip's windows (means [W][L], log-variances [W][L])
 * into one code: the mean of the means, and sigma as the root of the mean variance (the windows'
 * own spread left out: sigma says how sure each window was, z where they agree).
 */
export function poolPosteriors(means: readonly (readonly number[])[], logVars: readonly (readonly number[])[]): { z: number[]; sigma: number[] } {
  if (means.length === 0 || means.length !== logVars.length) throw new Error(`poolPosteriors: ${means.length} means for ${logVars.length} log-variances`)
  const latents = means[0]!.length
  const z = new Array<number>(latents).fill(0)
  const variance = new Array<number>(latents).fill(0)
  for (let w = 0; w < means.length; w++) {
    for (let j = 0; j < latents; j++) {
      z[j]! += means[w]![j]! / means.length
      variance[j]! += Math.exp(logVars[w]![j]!) / means.length
    }
  }
  return { z, sigma: variance.map(Math.sqrt) }
}

/** Start samples of every whole `crop`-sample window of a `length`-sample clip, back to back (none when it is shorter than one). */
export function windowStarts(length: number, crop: number): number[] {
  return Array.from({ length: Math.floor(length / crop) }, (_, i) => i * crop)
}
