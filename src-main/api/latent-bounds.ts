/**
 * The sanity bounds on what enters a VLAE's decoder: a code's z, the explorer's per-dimension bias
 * and scale, and the adjusted z' = z * scale + bias. Pure (no Node, no zod), so the renderer's
 * sliders and decode form check the same ranges as the service, the IPC schemas and the CLI.
 *
 * Why these figures: the VLAE's prior is N(0, I) and its KL term pulls every posterior mean towards
 * it, so real codes sit within a few units of 0 (P(|z| > 6) is about 2e-9 under the prior). A value
 * far outside was never seen by the decoder: it drives the global-conditioning dense layers into
 * saturation and decodes to ordinary-looking audio that says nothing about the model (z = 1e30 did).
 * 50 prior standard deviations leave room for deliberate extrapolation along a dimension while
 * refusing typos and overflows. A scale multiplies a code's value: ±10 takes a typical |z| <= 5 to
 * the bound already (negative mirrors the dimension); more could only saturate.
 */

/** An inclusive range of values. */
export interface LatentRange {
  min: number
  max: number
}

/** Allowed values of z and of z * scale + bias: ±50 prior standard deviations (see the module note). */
export const LATENT_Z_RANGE: LatentRange = { min: -50, max: 50 }
/** Allowed per-dimension bias: a shift of z, in the same units, so the same ±50. */
export const LATENT_BIAS_RANGE: LatentRange = LATENT_Z_RANGE
/** Allowed per-dimension scale: -10..10 (negative mirrors a dimension). */
export const LATENT_SCALE_RANGE: LatentRange = { min: -10, max: 10 }

/**
 * "dimension 3 is 1e+30, outside the allowed -50..50" for the first of `values` outside `range`
 * (a non-finite value counts as outside), or null when all are inside.
 */
export function latentRangeProblem(values: readonly number[], range: LatentRange): string | null {
  const bad = values.findIndex((v) => latentValueProblem(0, v, range) !== null)
  return bad < 0 ? null : latentValueProblem(bad, values[bad]!, range)
}

/** "dimension 3 is 1e+30, outside the allowed -50..50" when `value` of dimension `dim` is outside `range` (or not finite), else null. */
export function latentValueProblem(dim: number, value: number, range: LatentRange): string | null {
  return value >= range.min && value <= range.max ? null : `dimension ${dim} is ${String(value)}, outside the allowed ${range.min}..${range.max}`
}
