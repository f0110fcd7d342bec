import { CHAIN_INPUT_LOUDNESS, type EffectChain, type OutputStage } from './chain'
import { loudnessMeter, type LoudnessMeter } from '../../dsp/loudness'
import { UserError } from '../../util/errors'
import type { Decibels, Hz, Samples } from '../../util/units'
import { Compressor } from './compressor'
import { Equalizer } from './eq'
import { limit, peakEnvelope, truePeak, type PeakEnvelope } from './limiter'
import { Reverb } from './reverb'
import { Saturator } from './saturation'
import { chainTailSamples, MAX_TAIL_SECONDS, padSilence, tailEnd, TAIL_FLOOR_DB } from './tail'

/** What `applyChain` returns: the processed audio, its measured loudness (LUFS) and true peak (dBTP). */
export interface ChainOutput {
  channels: Float32Array[]
  loudness: number
  truePeak: Decibels
  /** Gain (dB) `prepareInput` applied to bring the input to CHAIN_INPUT_LOUDNESS (0 for silence). */
  inputGainDb: Decibels
  /** Samples of tail rendered after the input's length (0 with `keepLength`, or when nothing rings). */
  tail: Samples
  notes: string[]
}

/** How `applyChain` renders: by default the tail (reverb, EQ rings) after the input; `keepLength` cuts it at the input's length. */
export interface ApplyOptions {
  keepLength?: boolean
}

/** Samples per block of `processStages`: its scratch is two blocks of float64, whatever the input's length. */
const BLOCK = 4096
/** Rounds of "check true peak, lower the limiter's ceiling by the excess" before the exact fallback (the limiter's own detector usually makes one enough). */
const TRUE_PEAK_ROUNDS = 4
/** Extra margin (dB) each true-peak round takes, so it converges from below instead of creeping up on the ceiling. */
const TRUE_PEAK_MARGIN = 0.05
/** Margin (dB) under the ceiling the limiter aims at: the reference meter interpolates in float32, a few 1e-6 dB from our detector. */
const TRUE_PEAK_GUARD = 0.001
/** Meter rounds of "re-gain by the loudness the limiter took" after the first re-measure. */
const LOUDNESS_ROUNDS = 6
/** Limiter passes per meter round when solving for the gain on the energy the limiter kept. */
const SOLVE_ROUNDS = 6
/** Model error (dB) small enough to stop the limiter-only solve: well under LOUDNESS_TOL. */
const SOLVE_TOL = 0.02
/** Most gain (dB) the output stage drives into the limiter beyond the plain loudness gain: past it, crushing, not loudness. */
const MAX_PUSH = 12
/** Loudness error (LU) small enough to stop re-gaining: below what BS.1770 meters agree on. */
const LOUDNESS_TOL = 0.1
/**
 * Energy (dB) the limiter may take without a re-measure: the loudness is then reported as the target
 * minus that energy, which matched the meter to 0.005 LU at 0.1 dB taken (0.04 LU at 1.7 dB) on speech;
 * were K-weighting and gating to weigh the taken energy three times more, it would still be within 0.3 LU.
 */
const KEPT_TOL = 0.1
/** BS.1770's absolute gate (LUFS). */
const ABS_GATE = -70

/**
 * Refuses what the chain cannot process, in one line (UserError): other than 1 or 2 channels, channels
 * of different lengths, a rate outside 8000..384000 Hz, a non-finite sample.
 */
export function checkAudio(channels: readonly Float32Array[], sampleRate: Hz, what = 'effect chain'): void {
  if (channels.length < 1 || channels.length > 2) throw new UserError(`${what}: ${channels.length} channels (mono or stereo only)`)
  if (!Number.isFinite(sampleRate) || sampleRate < 8000 || sampleRate > 384_000) throw new UserError(`${what}: sample rate ${sampleRate} Hz is outside 8000..384000`)
  const n = channels[0]!.length
  if (channels.some((c) => c.length !== n)) throw new UserError(`${what}: channels differ in length`)
  channels.forEach((c, ch) => {
    for (let i = 0; i < n; i++) if (!Number.isFinite(c[i]!)) throw new UserError(`${what}: channel ${ch} sample ${i} is ${c[i]} (not a finite number)`)
  })
}

/**
 * Scales the input to CHAIN_INPUT_LOUDNESS (BS.1770 integrated, via `meter`), so the chain's thresholds
 * and drive mean the same on any take. New arrays; a silent input (gated out) is copied unchanged with a note.
 */
export function prepareInput(channels: Float32Array[], sampleRate: Hz, meter: LoudnessMeter): { channels: Float32Array[]; gainDb: Decibels; notes: string[] } {
  checkAudio(channels, sampleRate)
  const loudness = channels[0]!.length === 0 ? -Infinity : meter.integrated(channels, sampleRate)
  if (!Number.isFinite(loudness)) {
    return { channels: channels.map((c) => c.slice()), gainDb: 0, notes: ['input: silent (below the -70 LUFS gate), left at its level'] }
  }
  const gainDb = CHAIN_INPUT_LOUDNESS - loudness
  const g = Math.pow(10, gainDb / 20)
  return { channels: channels.map((c) => c.map((v) => v * g)), gainDb, notes: [] }
}

/** The stage processors for one rate, kept between calls so a fitter's hundreds of runs allocate only outputs. */
interface Rig {
  sampleRate: Hz
  eq: Equalizer[]
  compressor: Compressor
  saturation: Saturator[]
  reverb: Reverb[]
  /** One block of float64 scratch per channel, as a mono and a stereo list for the linked compressor. */
  mono: Float64Array[]
  stereo: Float64Array[]
}

let cached: Rig | undefined

function rigFor(sampleRate: Hz): Rig {
  if (cached?.sampleRate === sampleRate) return cached
  const work = [new Float64Array(BLOCK), new Float64Array(BLOCK)]
  cached = {
    sampleRate,
    eq: [new Equalizer(sampleRate), new Equalizer(sampleRate)],
    compressor: new Compressor(sampleRate),
    saturation: [new Saturator(), new Saturator()],
    reverb: [new Reverb(sampleRate, 0), new Reverb(sampleRate, 1)],
    mono: [work[0]!],
    stereo: work
  }
  return cached
}

/**
 * Runs every stage but the output loudness (EQ -> compressor -> saturation -> reverb, each with its own
 * amount), then blends with the chain's `amount` (dry: `channels`, the prepared input). Synchronous, in
 * float64 blocks of 4096 samples; returns new float32 arrays, `channels` untouched. Stereo: the
 * compressor's detector is linked, the reverb decorrelated per channel. Errors: see `checkAudio`.
 */
export function processStages(channels: Float32Array[], sampleRate: Hz, chain: EffectChain): Float32Array[] {
  checkAudio(channels, sampleRate)
  const n = channels[0]!.length
  const a = chain.amount
  if (a === 0) return channels.map((c) => c.slice())
  const out = channels.map(() => new Float32Array(n))
  const rig = rigFor(sampleRate)
  const nc = channels.length
  const work = nc === 1 ? rig.mono : rig.stereo
  const eq = rig.eq.slice(0, nc).map((p) => p.set(chain.eq))
  const compressor = rig.compressor.set(chain.compressor)
  const saturation = rig.saturation.slice(0, nc).map((p) => p.set(chain.saturation))
  const reverb = rig.reverb.slice(0, nc).map((p) => p.set(chain.reverb))
  const dry = 1 - a
  for (let from = 0; from < n; from += BLOCK) {
    const len = Math.min(BLOCK, n - from)
    for (let ch = 0; ch < nc; ch++) {
      const w = work[ch]!, x = channels[ch]!
      for (let i = 0; i < len; i++) w[i] = x[from + i]!
      if (!eq[ch]!.bypassed) eq[ch]!.processBlock(w, 0, len)
    }
    if (!compressor.bypassed) compressor.processBlock(work, 0, len)
    for (let ch = 0; ch < nc; ch++) {
      const w = work[ch]!, x = channels[ch]!, y = out[ch]!
      if (!saturation[ch]!.bypassed) saturation[ch]!.processBlock(w, 0, len)
      if (!reverb[ch]!.bypassed) reverb[ch]!.processBlock(w, 0, len)
      for (let i = 0; i < len; i++) y[from + i] = dry * x[from + i]! + a * w[i]!
    }
  }
  return out
}

/**
 * The output stage: gain to `output.loudness` (BS.1770 integrated LUFS), then the lookahead limiter,
 * driven by its own inter-sample peak detector, so the true peak (BS.1770 Annex 2) is at most
 * `output.truePeak` dBTP by construction; the detector checks the result and, in the rare case the gain's
 * change over a peak lets a point through, lowers the limiter's ceiling by the excess, then scales exactly.
 * Integrated loudness scales with gain (its gates are relative, but for the -70 LUFS one), so one meter
 * pass gives the gain; the meter runs again only when the limiter took noticeable energy, and then the
 * gain is raised by the loudness it took (solved on the energy the limiter kept, corrected by the meter),
 * a few rounds and 12 dB into the limiter at most.
 * New arrays; no sample beyond +-1. A silent input gets no gain, and a note; so does a missed target.
 */
export function finishOutput(channels: Float32Array[], sampleRate: Hz, output: OutputStage, meter: LoudnessMeter): { channels: Float32Array[]; loudness: number; truePeak: Decibels; notes: string[] } {
  checkAudio(channels, sampleRate, 'output')
  const notes: string[] = []
  if (channels[0]!.length === 0) return { channels: channels.map((c) => c.slice()), loudness: -Infinity, truePeak: -Infinity, notes: ['output: empty'] }
  const measured = meter.integrated(channels, sampleRate)
  const silent = !Number.isFinite(measured)
  if (silent) notes.push('output: silent (below the -70 LUFS gate), no loudness gain')
  const start = silent ? 0 : output.loudness - measured
  const stage = new OutputLimiter(channels, sampleRate, output.truePeak)
  let result = stage.run(start)
  if (silent) return { channels: result.channels, loudness: -Infinity, truePeak: result.truePeak, notes }
  // Within 10 LU of the absolute gate, gain moves blocks across it and loudness stops scaling with gain.
  const scales = measured > ABS_GATE + 10 && output.loudness > ABS_GATE + 10
  if (scales && result.keptDb > -KEPT_TOL) {
    return { channels: result.channels, loudness: output.loudness + result.keptDb, truePeak: result.truePeak, notes }
  }
  let loudness = meter.integrated(result.channels, sampleRate)
  // Meter minus model, where the model is measured + gain + the energy the limiter kept (dB): the limiter
  // shapes the K-weighted spectrum a little, so the model is off by a nearly constant offset.
  let offset = loudness - (measured + result.gainDb + result.keptDb)
  for (let round = 0; round < LOUDNESS_ROUNDS && Math.abs(output.loudness - loudness) > LOUDNESS_TOL; round++) {
    const next = stage.solve(output.loudness - offset - measured, start - 1, start + MAX_PUSH, result)
    if (next.gainDb === result.gainDb) break
    result = next
    loudness = meter.integrated(result.channels, sampleRate)
    offset = loudness - (measured + result.gainDb + result.keptDb)
  }
  if (Math.abs(loudness - output.loudness) > 0.5) {
    notes.push(`output: ${loudness.toFixed(1)} LUFS, not ${output.loudness} (the ${output.truePeak} dBTP ceiling leaves no more)`)
  }
  return { channels: result.channels, loudness, truePeak: result.truePeak, notes }
}

/** One output-stage candidate: the gain driven into the limiter, the result, its true peak and the energy (dB) the limiter kept. */
interface Limited {
  gainDb: Decibels
  channels: Float32Array[]
  truePeak: Decibels
  keptDb: Decibels
}

/**
 * Gain then true-peak limiter over fixed audio: the detector's peaks of the audio are computed once (at
 * the highest gain asked so far: gain scales them), so each gain costs one limiter pass and one check.
 */
class OutputLimiter {
  private envelope?: PeakEnvelope
  private envelopeGainDb = -Infinity
  private readonly energy: number

  constructor(private readonly channels: Float32Array[], private readonly sampleRate: Hz, private readonly ceiling: Decibels) {
    this.energy = energyOf(channels)
  }

  /** Gain `gainDb`, then the limiter, with the ceiling lowered until the detector's true peak is at most `ceiling`. */
  run(gainDb: Decibels): Limited {
    const { channels, sampleRate, ceiling } = this
    const gain = Math.pow(10, gainDb / 20)
    if (gainDb > this.envelopeGainDb) {
      // Points under this gate stay under the ceiling at this gain or less; the guard covers float32 rounding.
      this.envelope = peakEnvelope(channels, sampleRate, Math.pow(10, (ceiling - TRUE_PEAK_GUARD) / 20) / gain)
      this.envelopeGainDb = gainDb
    }
    let target = ceiling - TRUE_PEAK_GUARD
    let y = limit(channels, sampleRate, target, gain, this.envelope)
    let tp = truePeak(y, sampleRate)
    for (let round = 1; round < TRUE_PEAK_ROUNDS && tp > ceiling - TRUE_PEAK_GUARD / 2; round++) {
      target -= tp - target + TRUE_PEAK_MARGIN
      y = limit(channels, sampleRate, target, gain, this.envelope)
      tp = truePeak(y, sampleRate)
    }
    if (tp > ceiling - TRUE_PEAK_GUARD / 2) {
      // True peak is linear in amplitude: scaling by the excess (and a hair for float32 rounding) lands under it.
      const s = Math.pow(10, (ceiling - TRUE_PEAK_GUARD - tp - 0.001) / 20)
      y = y.map((c) => c.map((v) => v * s))
      tp = truePeak(y, sampleRate)
    }
    const kept = this.energy > 0 ? energyOf(y) / (gain * gain * this.energy) : 1
    return { gainDb, channels: y, truePeak: tp, keptDb: kept > 0 ? 10 * Math.log10(kept) : -Infinity }
  }

  /**
   * The gain in [lo, hi] at which gain + kept energy (dB) reaches `want`, by the secant from `from`
   * (the limiter makes it far flatter than 1 dB/dB once it works hard); limiter passes only, no meter.
   */
  solve(want: Decibels, lo: Decibels, hi: Decibels, from: Limited): Limited {
    const model = (r: Limited): number => r.gainDb + r.keptDb
    let best = from
    let prev = { gainDb: from.gainDb - 1, value: model(from) - 1 }
    for (let round = 0; round < SOLVE_ROUNDS && Math.abs(want - model(best)) > SOLVE_TOL; round++) {
      const slope = Math.max(0.05, Math.min(1, (model(best) - prev.value) / (best.gainDb - prev.gainDb)))
      const g = Math.max(lo, Math.min(hi, best.gainDb + (want - model(best)) / slope))
      if (g === best.gainDb) break
      prev = { gainDb: best.gainDb, value: model(best) }
      best = this.run(g)
    }
    return best
  }
}

/** Sum of squares over channels. */
function energyOf(channels: readonly Float32Array[]): number {
  let e = 0
  for (const c of channels) for (let i = 0; i < c.length; i++) e += c[i]! * c[i]!
  return e
}

/**
 * The whole chain: `prepareInput`, `processStages`, `finishOutput`, with the BS.1770 meter loaded once.
 * The output runs on past the input until its tail (reverb, EQ rings) falls TAIL_FLOOR_DB under the
 * output's peak, within the chain's own bound (`chainTailSamples`) and MAX_TAIL_SECONDS; with `keepLength` it is cut at the
 * input's length (sample alignment with the input, as a timeline track needs). The loudness stage
 * measures the whole output either way; what is cut past the floor is below its gates.
 */
export async function applyChain(channels: Float32Array[], sampleRate: Hz, chain: EffectChain, opts: ApplyOptions = {}): Promise<ChainOutput> {
  const meter = await loudnessMeter()
  const prepared = prepareInput(channels, sampleRate, meter)
  const n = prepared.channels[0]!.length
  const extra = opts.keepLength === true || n === 0 ? 0 : Math.min(chainTailSamples(chain, sampleRate), Math.ceil(MAX_TAIL_SECONDS * sampleRate))
  const processed = processStages(extra > 0 ? padSilence(prepared.channels, extra) : prepared.channels, sampleRate, chain)
  const finished = finishOutput(processed, sampleRate, chain.output, meter)
  const notes = [...prepared.notes, ...finished.notes]
  let out = finished.channels
  if (extra > 0) {
    const end = tailEnd(out, n)
    // The bound allows 30 dB beyond the floor; reaching its end means a tail it did not foresee, or
    // one longer than MAX_TAIL_SECONDS.
    if (end === n + extra) notes.push(`output: the tail was still above ${TAIL_FLOOR_DB} dB of the peak after ${(extra / sampleRate).toFixed(2)} s and is cut there`)
    out = out.map((c) => c.slice(0, end))
  }
  return { channels: out, loudness: finished.loudness, truePeak: finished.truePeak, inputGainDb: prepared.gainDb, tail: out[0]!.length - n, notes }
}
