import type { CompressorStage } from './chain'
import type { Decibels, Hz, Milliseconds } from '../../util/units'

/** ln(10) / 20: dB to natural-log gain, so 10^(dB/20) is one Math.exp. */
const DB_TO_LN = Math.LN10 / 20
/** 20 / ln(10): natural log of a magnitude to dB. */
const LN_TO_DB = 20 / Math.LN10

/**
 * Static curve of the soft-knee gain computer (Giannoulis, Massberg & Reiss, "Digital Dynamic Range
 * Compressor Design - A Tutorial and Analysis", JAES 60(6), 2012, eq. 4): output level (dB) for an
 * input level `x` (dB); a quadratic through the knee of width `knee` dB centred on the threshold.
 */
export function compressorCurve(x: Decibels, threshold: Decibels, ratio: number, knee: Decibels): Decibels {
  const over = x - threshold
  // Closed at both ends so a hard knee (0 dB) never divides by its width.
  if (2 * over <= -knee) return x
  if (2 * over >= knee) return threshold + over / ratio
  const t = over + knee / 2
  return x + ((1 / ratio - 1) * t * t) / (2 * knee)
}

/** One-pole coefficient for a time constant (the paper's alpha = exp(-1 / (tau fs)), eq. 7). */
export function timeConstantCoeff(time: Milliseconds, sampleRate: Hz): number {
  return Math.exp(-1000 / (time * sampleRate))
}

/**
 * The compressor stage: feed-forward, log domain, the soft-knee gain computer then the smooth branching
 * peak detector on the gain reduction (the paper's recommended design, its Fig. 7 and eq. 17), makeup
 * gain, and `amount` as a parallel (dry/wet) blend. The detector reads max |x| over the channels, so a
 * stereo image never shifts. One instance per stream; `set` clears the detector.
 */
export class Compressor {
  private threshold = 0
  private ratio = 1
  private knee = 0
  private alphaA = 0
  private alphaR = 0
  private makeupLn = 0
  private amount = 0
  /** Levels at or below this magnitude sit under the knee: no gain reduction, no log needed. */
  private kneeFloor = 0
  /** Smoothed gain reduction y_L in dB (>= 0). */
  private level = 0

  constructor(readonly sampleRate: Hz, params?: CompressorStage) {
    if (params) this.set(params)
  }

  /** Sets the parameters and clears the detector. */
  set(p: CompressorStage): this {
    this.threshold = p.threshold
    this.ratio = p.ratio
    this.knee = p.knee
    this.alphaA = timeConstantCoeff(p.attack, this.sampleRate)
    this.alphaR = timeConstantCoeff(p.release, this.sampleRate)
    this.makeupLn = p.makeup * DB_TO_LN
    this.amount = p.amount
    this.kneeFloor = Math.exp((p.threshold - p.knee / 2) * DB_TO_LN)
    this.level = 0
    return this
  }

  /** True when the stage is the identity (amount 0, or ratio 1 with no makeup). */
  get bypassed(): boolean {
    return this.amount === 0 || (this.ratio === 1 && this.makeupLn === 0)
  }

  /** Clears the detector. */
  reset(): void {
    this.level = 0
  }

  /** Compresses `channels[c][from..to)` in place (1 or 2 channels, detector linked across them). */
  processBlock(channels: readonly Float64Array[], from: number, to: number): void {
    const l = channels[0]!
    const r = channels.length > 1 ? channels[1]! : undefined
    const { threshold, ratio, knee, alphaA, alphaR, makeupLn, amount, kneeFloor } = this
    const wet = amount, dry = 1 - amount
    let yL = this.level
    for (let i = from; i < to; i++) {
      const a = Math.abs(l[i]!)
      const mag = r === undefined ? a : Math.max(a, Math.abs(r[i]!))
      // x_L = x_G - y_G, the gain reduction the static curve asks for (zero under the knee).
      const xL = mag <= kneeFloor ? 0 : reduction(Math.log(mag) * LN_TO_DB, threshold, ratio, knee)
      yL = xL > yL ? alphaA * yL + (1 - alphaA) * xL : alphaR * yL + (1 - alphaR) * xL
      const g = dry + wet * Math.exp(makeupLn - yL * DB_TO_LN)
      l[i] = l[i]! * g
      if (r !== undefined) r[i] = r[i]! * g
    }
    this.level = yL
  }
}

/** x_G - y_G for a level above the knee's floor (dB). */
function reduction(x: Decibels, threshold: Decibels, ratio: number, knee: Decibels): Decibels {
  return x - compressorCurve(x, threshold, ratio, knee)
}
