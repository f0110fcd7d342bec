import { z } from 'zod'
import { UserError } from '../../util/errors'
import type { Decibels, Hz, Milliseconds, NormalRange, Seconds } from '../../util/units'

/**
 * The vocal effect chain of the `match` method, as data: what the fitter outputs, what the app
 * shows as knobs, what a preset stores. Stages run in this order:
 *
 *   EQ (high-pass, low shelf, peaking bands, high shelf, low-pass)
 *   -> compressor -> saturation -> reverb -> output loudness (BS.1770 LUFS, true-peak ceiling)
 *
 * Every stage has an `amount` (dry/wet of that stage: 0 bypasses it, 1 is the fitted effect) and the
 * chain has an overall `amount` (blend of the unprocessed input and the chain's output, before the
 * loudness stage, so turning it down never changes the output's loudness). Parameters are in
 * physical units (Hz, dB, ms, s), so one chain applies at any sample rate.
 */
export const CHAIN_VERSION = 1

/**
 * Integrated loudness (LUFS) the chain scales its input to before the first stage, so a fitted
 * threshold or drive means the same on a quiet phone take and a hot studio one (a silent input is
 * left as it is). -20 LUFS leaves 15-20 dB of headroom above a voice's peaks.
 */
export const CHAIN_INPUT_LOUDNESS = -20

/** One RBJ-cookbook peaking band. */
export interface PeakBand {
  freq: Hz
  gain: Decibels
  /** Bandwidth as the cookbook's Q (0.707 is about two octaves wide, 4 about a third of an octave). */
  q: number
}

/** Equaliser: 24 dB/octave Butterworth high- and low-pass, RBJ shelves and peaking bands. */
export interface EqStage {
  amount: NormalRange
  /** High-pass corner; 20 Hz or below is off. */
  highpass: Hz
  /** Low-pass corner; 20 kHz or above (or above 0.45 x the sample rate) is off. */
  lowpass: Hz
  lowShelf: { freq: Hz; gain: Decibels }
  highShelf: { freq: Hz; gain: Decibels }
  /** 4 to 8 peaking bands. */
  bands: PeakBand[]
}

/** Feed-forward compressor with a soft knee (Giannoulis, Massberg & Reiss 2012). */
export interface CompressorStage {
  amount: NormalRange
  threshold: Decibels
  ratio: number
  attack: Milliseconds
  release: Milliseconds
  knee: Decibels
  makeup: Decibels
}

/** Memoryless soft clipper (tanh) with drive and wet mix. */
export interface SaturationStage {
  amount: NormalRange
  drive: Decibels
  mix: NormalRange
}

/** Feedback-delay-network reverb (Jot): RT60, pre-delay, high-frequency damping, wet level. */
export interface ReverbStage {
  amount: NormalRange
  /** RT60 at low frequencies. */
  decay: Seconds
  preDelay: Milliseconds
  /** 0: high frequencies decay as fast as low ones; 1: they decay ten times faster. */
  damping: NormalRange
  /** Wet share of the stage's output (0 dry, 1 reverb only). */
  wet: NormalRange
}

/** Output loudness: integrated loudness (ITU-R BS.1770-4 / EBU R128) and a true-peak ceiling. */
export interface OutputStage {
  loudness: number
  truePeak: Decibels
}

/** A whole chain: what `match` fits and `apply-chain` applies. */
export interface EffectChain {
  version: typeof CHAIN_VERSION
  amount: NormalRange
  eq: EqStage
  compressor: CompressorStage
  saturation: SaturationStage
  reverb: ReverbStage
  output: OutputStage
}

/** Names of the stages that have an amount, in processing order. */
export const STAGES = ['eq', 'compressor', 'saturation', 'reverb'] as const
export type StageName = (typeof STAGES)[number]

/** The identity chain: every stage neutral, output at -16 LUFS (a common streaming target for voice), -1 dBTP. */
export function neutralChain(): EffectChain {
  return {
    version: CHAIN_VERSION,
    amount: 1,
    eq: {
      amount: 1,
      highpass: 20,
      lowpass: 20_000,
      lowShelf: { freq: 150, gain: 0 },
      highShelf: { freq: 6000, gain: 0 },
      bands: [
        { freq: 300, gain: 0, q: 1 },
        { freq: 1000, gain: 0, q: 1 },
        { freq: 2500, gain: 0, q: 1 },
        { freq: 5000, gain: 0, q: 1 }
      ]
    },
    compressor: { amount: 1, threshold: 0, ratio: 1, attack: 10, release: 120, knee: 6, makeup: 0 },
    saturation: { amount: 1, drive: 0, mix: 0 },
    reverb: { amount: 1, decay: 0.5, preDelay: 10, damping: 0.5, wet: 0 },
    output: { loudness: -16, truePeak: -1 }
  }
}

// Ranges: wide enough for any setting a producer would dial on a hardware unit, narrow enough that a
// typo (a ratio of 1000, a 60 s reverb) is refused rather than rendered.
const amount = z.number().min(0).max(1)
const gain = z.number().min(-30).max(30)
const freq = z.number().min(10).max(24_000)

const chainSchema = z.strictObject({
  version: z.literal(CHAIN_VERSION),
  amount,
  eq: z.strictObject({
    amount,
    highpass: z.number().min(10).max(4000),
    lowpass: z.number().min(500).max(24_000),
    lowShelf: z.strictObject({ freq: z.number().min(20).max(2000), gain }),
    highShelf: z.strictObject({ freq: z.number().min(500).max(20_000), gain }),
    bands: z.array(z.strictObject({ freq, gain, q: z.number().min(0.1).max(20) })).min(4).max(8)
  }),
  compressor: z.strictObject({
    amount,
    threshold: z.number().min(-80).max(0),
    ratio: z.number().min(1).max(50),
    attack: z.number().min(0.05).max(500),
    release: z.number().min(1).max(5000),
    knee: z.number().min(0).max(30),
    makeup: gain
  }),
  saturation: z.strictObject({ amount, drive: z.number().min(0).max(48), mix: amount }),
  reverb: z.strictObject({ amount, decay: z.number().min(0.05).max(20), preDelay: z.number().min(0).max(500), damping: amount, wet: amount }),
  output: z.strictObject({ loudness: z.number().min(-60).max(0), truePeak: z.number().min(-20).max(0) })
}) satisfies z.ZodType<EffectChain>

/**
 * Validates an effect chain from JSON (a preset file, an IPC payload, an edited knob), returning it
 * typed. Errors are one line naming the parameter and the reason in plain words, e.g.
 * `effect chain: compressor.ratio: 80 is out of range (maximum 50)`, `eq.bands: 9 bands, at most 8`,
 * `eq: unknown field "bar"`. A chain written by a newer version of Electric Beats is refused by
 * version, never half-read; an EQ whose high-pass is at or above its low-pass (nothing would pass) too.
 */
export function parseChain(value: unknown, what = 'effect chain'): EffectChain {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UserError(`${what}: not a JSON object`)
  const version = (value as { version?: unknown }).version
  if (version === undefined) throw new UserError(`${what}: has no version (not an Electric Beats effect chain)`)
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new UserError(`${what}: version ${JSON.stringify(version)} is not a chain version`)
  if (version > CHAIN_VERSION) throw new UserError(`${what}: version ${version} was written by a newer Electric Beats (this one reads up to ${CHAIN_VERSION})`)
  const parsed = chainSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const at = issue.path.join('.')
    const got = issue.path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k as string | number] : undefined), value)
    throw new UserError(`${what}: ${at === '' ? '' : `${at}: `}${plainReason(issue, got)}`)
  }
  const { highpass, lowpass } = parsed.data.eq
  if (highpass >= lowpass) throw new UserError(`${what}: eq: high-pass ${highpass} Hz is at or above low-pass ${lowpass} Hz`)
  return parsed.data as EffectChain
}

/** A zod issue in a producer's words (zod's own read "Too big: expected array to have <=8 items"). */
function plainReason(issue: z.core.$ZodIssue, got: unknown): string {
  switch (issue.code) {
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? `at least ${String(issue.minimum)}` : `at most ${String(issue.maximum)}`
      if (Array.isArray(got)) return `${got.length} ${issue.path.at(-1) === 'bands' ? 'band' : 'item'}${got.length === 1 ? '' : 's'}, ${bound}`
      if (typeof got === 'number') return `${got} is out of range (${issue.code === 'too_small' ? `minimum ${String(issue.minimum)}` : `maximum ${String(issue.maximum)}`})`
      return bound
    }
    case 'invalid_type': {
      const expected = { array: 'a list', object: 'an object', number: 'a number' }[issue.expected as string] ?? `a ${issue.expected}`
      if (got === undefined) return `missing (${expected})`
      const shown = typeof got === 'string' ? JSON.stringify(got) : Array.isArray(got) ? 'a list' : typeof got === 'object' && got !== null ? 'an object' : String(got)
      return `${shown} is not ${expected}`
    }
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
    case 'invalid_value':
      return `${JSON.stringify(got)} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    default:
      return issue.message
  }
}

/** A deep copy (chains are plain JSON). */
export function cloneChain(chain: EffectChain): EffectChain {
  return structuredClone(chain)
}

/** Bounds of a knob: what the app's controls and the fitter's search both respect. */
export interface ParamRange {
  min: number
  max: number
  unit: 'Hz' | 'dB' | 'ms' | 's' | '' | 'LUFS' | 'dBTP' | '%'
  /** Knobs over frequency and time turn on a log scale. */
  log?: boolean
}

/** Ranges of every scalar knob by dotted path (bands: `eq.bands.N.freq` etc. share `eq.band.*`). */
export const PARAM_RANGES: Record<string, ParamRange> = {
  amount: { min: 0, max: 1, unit: '%' },
  'eq.amount': { min: 0, max: 1, unit: '%' },
  'eq.highpass': { min: 10, max: 4000, unit: 'Hz', log: true },
  'eq.lowpass': { min: 500, max: 24_000, unit: 'Hz', log: true },
  'eq.lowShelf.freq': { min: 20, max: 2000, unit: 'Hz', log: true },
  'eq.lowShelf.gain': { min: -30, max: 30, unit: 'dB' },
  'eq.highShelf.freq': { min: 500, max: 20_000, unit: 'Hz', log: true },
  'eq.highShelf.gain': { min: -30, max: 30, unit: 'dB' },
  'eq.band.freq': { min: 10, max: 24_000, unit: 'Hz', log: true },
  'eq.band.gain': { min: -30, max: 30, unit: 'dB' },
  'eq.band.q': { min: 0.1, max: 20, unit: '', log: true },
  'compressor.amount': { min: 0, max: 1, unit: '%' },
  'compressor.threshold': { min: -80, max: 0, unit: 'dB' },
  'compressor.ratio': { min: 1, max: 50, unit: '', log: true },
  'compressor.attack': { min: 0.05, max: 500, unit: 'ms', log: true },
  'compressor.release': { min: 1, max: 5000, unit: 'ms', log: true },
  'compressor.knee': { min: 0, max: 30, unit: 'dB' },
  'compressor.makeup': { min: -30, max: 30, unit: 'dB' },
  'saturation.amount': { min: 0, max: 1, unit: '%' },
  'saturation.drive': { min: 0, max: 48, unit: 'dB' },
  'saturation.mix': { min: 0, max: 1, unit: '%' },
  'reverb.amount': { min: 0, max: 1, unit: '%' },
  'reverb.decay': { min: 0.05, max: 20, unit: 's', log: true },
  'reverb.preDelay': { min: 0, max: 500, unit: 'ms' },
  'reverb.damping': { min: 0, max: 1, unit: '%' },
  'reverb.wet': { min: 0, max: 1, unit: '%' },
  'output.loudness': { min: -60, max: 0, unit: 'LUFS' },
  'output.truePeak': { min: -20, max: 0, unit: 'dBTP' }
}
