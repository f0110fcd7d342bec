import { CHAIN_INPUT_LOUDNESS, neutralChain, type EffectChain, type StageName } from '../../effects/chain'
import { eqMagnitudeDb } from '../../effects/eq'
import { processStages } from '../../effects/apply'
import type { Hz } from '../../../util/units'
import { fitEq, offOutsideBand, type MaterialBand } from './eq-fit'
import { featurePlan, matchFeatures, type MatchFeatures } from './features'
import { minimiseInBox } from './minimise'
import { compressionEvidence, estimateDryStyle, processedTarget, roomEvidence } from './dry-voices'

/** What the fit needs besides the two signals. */
export interface FitOptions {
  /** Stages to fit; the others stay neutral. */
  stages: readonly StageName[]
  /** Objective evaluations per search of the reverb and of the level stages (compressor, saturation). */
  evaluations: { reverb: number; levels: number }
  /** Highest frequency both recordings can hold (half the lower of their files' rates); bands above it are not fitted. */
  bandLimit?: Hz
  onProgress?(done: number, total: number): void
}

/** A fitted chain (output stage left neutral: the caller sets loudness and ceiling) and what the fit did. */
export interface ChainFit {
  chain: EffectChain
  evaluations: number
  /** Feature distance of the dry content and of the fitted output to the style (the objective, lower is closer). */
  distance: { dry: number; fitted: number }
  /** The dry voices the style was judged to be closest to, with their weights. */
  neighbours: { name: string; weight: number }[]
  /** What the fit switched off and why (an EQ setting where the material had no signal), one line each. */
  notes: string[]
}

/**
 * Fits the chain's stages so that `content` run through them takes on the statistics of `style`
 * (both mono at `sampleRate`, both already scaled to CHAIN_INPUT_LOUDNESS). Analysis by synthesis:
 * the content is processed by candidate chains and compared with the style on the features of
 * features.ts, which move with processing and little with the speaker; the linear part (EQ) is
 * solved on the long-term spectrum, the non-linear and time-varying part (compressor, saturation,
 * reverb) by Nelder-Mead from the neutral chain, so a stage stays off unless the style asks for it.
 * EQ and dynamics are alternated twice, since saturation and compression reshape the spectrum the
 * EQ must leave.
 */
export function fitChain(content: Float32Array, style: Float32Array, sampleRate: Hz, opts: FitOptions): ChainFit {
  const plan = featurePlan(sampleRate)
  const contentFeatures = matchFeatures(content, plan)
  const styleFeatures = matchFeatures(style, plan)
  const dry = estimateDryStyle(styleFeatures, contentFeatures)
  const energy = heardBands(contentFeatures.ltas, styleFeatures.ltas)
  const heard = energy.map((h, i) => h && plan.centres[i]! * 2 ** (1 / 6) < 0.95 * (opts.bandLimit ?? Infinity))
  const band = materialBand(energy, plan.centres, opts.bandLimit)
  let eqNote: string | undefined
  const target = processedTarget(styleFeatures, dry.features, contentFeatures)
  const chain = neutralChain()
  let evaluations = 0
  const fitEqStage = opts.stages.includes('eq')
  // The room statistic decides whether reverb is searched at all: without evidence it stays off.
  const reverbDims = opts.stages.includes('reverb') && roomEvidence(styleFeatures.decay) > 0.05 ? NL_DIMS.filter((d) => d.stage === 'reverb') : []
  const compressed = compressionEvidence(styleFeatures.levels)
  const compressorDims = NL_DIMS.filter((d) => d.stage === 'compressor' && opts.stages.includes(d.stage))
  const saturationDims = NL_DIMS.filter((d) => d.stage === 'saturation' && opts.stages.includes(d.stage))
  const levelDims = [...compressorDims, ...saturationDims]
  const total = (fitEqStage ? 3 : 0) + (reverbDims.length > 0 ? 2 : 0) + (compressorDims.length > 0 ? 1 : 0) + (saturationDims.length > 0 ? 1 : 0) + (levelDims.length > 0 ? 1 : 0)
  let done = 0
  const step = (): void => opts.onProgress?.(++done, total)
  const dryDistance = featureDistance(contentFeatures, target, 1)

  const refitEq = (): void => {
    // Target for the EQ: its current curve plus what the long-term spectrum still lacks.
    const now = matchFeatures(processStages([content], sampleRate, chain)[0]!, plan)
    const current = eqMagnitudeDb(chain.eq, plan.centres, sampleRate)
    const want = Float64Array.from(current, (c, i) => c + clampDb(target.ltas[i]! - now.ltas[i]!))
    const fit = fitEq(plan.centres, want, sampleRate, undefined, heard)
    // Switched off at once, so the dynamics searches after it hear the EQ the chain keeps.
    const limited = offOutsideBand(fit.eq, band)
    chain.eq = limited.eq
    eqNote = limited.note
    evaluations += fit.evaluations
    step()
  }
  /** Searches `dims` (the rest of the chain fixed) from the best of `starts`, within `maxEvaluations`. */
  const refit = (dims: Dim[], maxEvaluations: number, starts: number[][] = [], ltasWeight = NL_LTAS_WEIGHT, floorWeight = 1): void => {
    if (dims.length === 0) return
    const equalised = processStages([content], sampleRate, { ...neutralChain(), eq: chain.eq })[0]!
    const withDims = (u: number[]): EffectChain => {
      const c: EffectChain = { ...chain, eq: { ...chain.eq, amount: 0 } }
      dims.forEach((d, i) => d.set(c, u[i]!))
      return settle(c)
    }
    const objective = (u: number[]): number => {
      let penalty = 0
      // Where the style's level statistics say "compressed", the compressor is not held back.
      dims.forEach((d, i) => (penalty += d.off === undefined ? 0 : (d.stage === 'compressor' ? 1 - compressed : 1) * (u[i]! - d.off) ** 2))
      return featureDistance(matchFeatures(processStages([equalised], sampleRate, withDims(u))[0]!, plan), target, ltasWeight, floorWeight) + NEUTRAL_PENALTY * penalty
    }
    let start = dims.map((d) => d.get(chain))
    let best = objective(start)
    for (const s of starts) {
      const v = objective(s)
      if (v < best) [best, start] = [v, s]
    }
    const m = minimiseInBox(objective, start, { step: 0.2, maxEvaluations: Math.max(10, maxEvaluations - starts.length - 1) })
    const fitted = withDims(m.x)
    chain.compressor = fitted.compressor
    chain.saturation = fitted.saturation
    chain.reverb = fitted.reverb
    evaluations += m.evaluations + starts.length + 1
    step()
  }
  // Reverb starts from the best of a coarse grid over wet level and decay (the objective has flat
  // directions at wet 0, where Nelder-Mead alone would not find the room).
  const reverbGrid: number[][] = []
  if (reverbDims.length > 0) for (const wet of [0.12, 0.3, 0.55]) for (const decay of [0.3, 0.7, 1.5, 3]) reverbGrid.push([wet / 0.9, log01(decay, 0.1, 5), 0.5])
  // Budgets are counts of evaluations, never wall time, so the same inputs give the same chain on any
  // machine (about 13 ms each for 5 s at 22.05 kHz: the whole search is 3-4 s).
  if (fitEqStage) refitEq()
  refit(reverbDims, opts.evaluations.reverb, reverbGrid)
  // The compressor first, judged on levels and room alone (the EQ owns the spectrum), then the
  // saturation on top of it: searched together, drive stood in for compression, since both even out
  // levels and drive also brightens a spectrum the EQ has not finished.
  refit(compressorDims, Math.round(opts.evaluations.levels * 0.5), [], 0, 0)
  refit(saturationDims, Math.round(opts.evaluations.levels * 0.5), [], NL_LTAS_WEIGHT, 0)
  if (fitEqStage) refitEq()
  refit(reverbDims, Math.round(opts.evaluations.reverb * 0.6))
  refit(levelDims, Math.round(opts.evaluations.levels * 0.6), [], NL_LTAS_WEIGHT, 0)
  if (fitEqStage) refitEq()
  const fitted = featureDistance(matchFeatures(processStages([content], sampleRate, chain)[0]!, plan), target, 1)
  return { chain: roundChain(chain), evaluations, distance: { dry: dryDistance, fitted }, neighbours: dry.neighbours, notes: eqNote === undefined ? [] : [eqNote] }
}

/**
 * Pull of each dynamics coordinate toward its stage's "off" setting (per unit-box distance squared):
 * a stage must buy its setting with a closer match, so a style without compression or drive leaves
 * them off rather than trading one statistic against another.
 */
const NEUTRAL_PENALTY = 0.3

/** Weight of the long-term spectrum in the dynamics search (the EQ passes own it; this keeps saturation's harmonics honest). */
const NL_LTAS_WEIGHT = 0.5

/**
 * Distance between two feature sets: squared differences, each group scaled by the size of change
 * that matters to a listener (3 dB of spectrum, 2 dB of level spread, 3 dB of decay curve,
 * 1.5 dB of crest).
 */
export function featureDistance(a: MatchFeatures, b: MatchFeatures, ltasWeight: number, floorWeight = 1): number {
  let d = 0
  const n = a.ltas.length
  let mean = 0
  for (let i = 0; i < n; i++) mean += clampDb(b.ltas[i]! - a.ltas[i]!) / n
  let lt = 0
  for (let i = 0; i < n; i++) lt += ((clampDb(b.ltas[i]! - a.ltas[i]!) - mean) / 3) ** 2
  d += (ltasWeight * lt) / n
  for (let i = 0; i < a.decay.length; i++) d += ((a.decay[i]! - b.decay[i]!) / 3) ** 2 / a.decay.length
  for (let g = 0; g < a.floor.length; g++) d += floorWeight * ((a.floor[g]! - b.floor[g]!) / 3) ** 2 / a.floor.length
  for (let q = 0; q < a.levels.length; q++) d += ((a.levels[q]! - b.levels[q]!) / 2) ** 2 / a.levels.length
  d += ((a.crest - b.crest) / 1.5) ** 2
  // Flatness is not compared: no estimate of the style's dry flatness beat "no change", and asking for
  // the content's own flatness held saturation back where the style had some (known-answer mean
  // share 0.578 with the term, 0.575 without).
  return d
}

/**
 * Bands where both clips have signal: within 70 dB of each clip's loudest band (a band-limited
 * recording, such as a 16 kHz file, sits 100 dB or more down above its Nyquist; a telephone band's
 * stop band sits 30-50 dB down and still counts, since the EQ must reproduce it).
 */
function heardBands(a: Float64Array, b: Float64Array): boolean[] {
  const maxA = Math.max(...a)
  const maxB = Math.max(...b)
  return Array.from(a, (v, i) => v > maxA - 70 && b[i]! > maxB - 70)
}

/**
 * The band a fit can judge: up to the band limit (half the lower file rate) and, where the outermost
 * third-octave bands hold no signal in one of the clips (`energy` false: an upsampled 16 kHz file's
 * top), between the outer edges of the outermost bands that do. Unbounded ends are 0 and Infinity.
 */
function materialBand(energy: readonly boolean[], centres: Float64Array, bandLimit: Hz | undefined): MaterialBand {
  const first = energy.indexOf(true)
  const last = energy.lastIndexOf(true)
  const limit = bandLimit ?? Infinity
  if (first < 0) return { low: 0, high: limit }
  return {
    low: first > 0 ? centres[first]! * 2 ** (-1 / 6) : 0,
    high: Math.min(limit, last < energy.length - 1 ? centres[last]! * 2 ** (1 / 6) : Infinity)
  }
}

/** Spectrum differences beyond 45 dB are a noise floor against a band edge: the exact depth does not matter. */
function clampDb(v: number): number {
  return v < -45 ? -45 : v > 45 ? 45 : v
}

/** One searched dimension of the dynamics stages: read and write a chain parameter as a unit-box coordinate. */
interface Dim {
  stage: StageName
  /** The coordinate at which the stage does nothing (penalised distance from it), if there is one. */
  off?: number
  get(c: EffectChain): number
  set(c: EffectChain, u: number): void
}

const log01 = (v: number, lo: number, hi: number): number => Math.min(1, Math.max(0, Math.log(v / lo) / Math.log(hi / lo)))
const fromLog = (u: number, lo: number, hi: number): number => lo * (hi / lo) ** u

/** The searched parameters. Attack, release, knee and pre-delay keep vocal defaults (weakly identifiable from a few seconds). */
const NL_DIMS: Dim[] = [
  { stage: 'compressor', off: 1, get: (c) => (c.compressor.threshold + 45) / 45, set: (c, u) => (c.compressor = { ...c.compressor, threshold: -45 + 45 * u }) },
  { stage: 'compressor', off: 0, get: (c) => log01(c.compressor.ratio, 1, 20), set: (c, u) => (c.compressor = { ...c.compressor, ratio: fromLog(u, 1, 20) }) },
  { stage: 'saturation', off: 0, get: (c) => c.saturation.drive / 30, set: (c, u) => (c.saturation = { ...c.saturation, drive: 30 * u }) },
  { stage: 'saturation', off: 0, get: (c) => c.saturation.mix, set: (c, u) => (c.saturation = { ...c.saturation, mix: u }) },
  { stage: 'reverb', off: 0, get: (c) => c.reverb.wet / 0.9, set: (c, u) => (c.reverb = { ...c.reverb, wet: 0.9 * u }) },
  { stage: 'reverb', get: (c) => log01(c.reverb.decay, 0.1, 5), set: (c, u) => (c.reverb = { ...c.reverb, decay: fromLog(u, 0.1, 5) }) },
  { stage: 'reverb', get: (c) => c.reverb.damping, set: (c, u) => (c.reverb = { ...c.reverb, damping: u }) }
]

/**
 * Derived settings: the compressor's makeup restores the level a loud syllable had (-12 dBFS at the
 * chain's input loudness), so the saturation after it sees the same drive whatever the threshold.
 */
function settle(c: EffectChain): EffectChain {
  const loud = CHAIN_INPUT_LOUDNESS + 8
  const { threshold, ratio } = c.compressor
  const reduction = loud > threshold ? (loud - threshold) * (1 - 1 / ratio) : 0
  return { ...c, compressor: { ...c.compressor, makeup: reduction } }
}

/** Rounds every parameter to what its knob shows. */
function roundChain(c: EffectChain): EffectChain {
  const r = (v: number, digits: number): number => Number(v.toFixed(digits))
  return {
    ...c,
    compressor: { ...c.compressor, threshold: r(c.compressor.threshold, 1), ratio: r(c.compressor.ratio, 2), makeup: r(c.compressor.makeup, 1) },
    saturation: { ...c.saturation, drive: r(c.saturation.drive, 1), mix: r(c.saturation.mix, 2) },
    reverb: { ...c.reverb, decay: r(c.reverb.decay, 2), wet: r(c.reverb.wet, 2), damping: r(c.reverb.damping, 2) }
  }
}

