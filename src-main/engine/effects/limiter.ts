import type { Decibels, Hz, Milliseconds, Samples } from '../../util/units'

/** Lookahead: long enough for a smooth gain ramp into a peak (no audible click), short enough to keep transients. */
export const LIMITER_LOOKAHEAD: Milliseconds = 1.5
/** Release time constant: recovers between syllables without pumping. */
export const LIMITER_RELEASE: Milliseconds = 50

/**
 * Lookahead peak limiter over 1 or 2 channels (linked: one gain for both). Per sample it needs the gain
 * r = min(1, ceiling / max|x|); a sliding minimum of r over a window of W = lookahead + 1 samples (a
 * monotonic deque, O(1) per sample) starts the reduction W samples before each peak; an exponential
 * release lets it go; and a W-sample moving average turns the step into a ramp. The average over W of a
 * W-sample minimum is at most r at the window's first sample, which is why the audio is delayed by
 * W - 1 = `latency` samples: every output sample is at most `ceiling` in magnitude.
 */
export class Limiter {
  /** Delay of the output behind the input. */
  readonly latency: Samples
  private readonly window: Samples
  private readonly ceiling: number
  private readonly releaseCoeff: number
  /** Deque of (required gain, sample index) with increasing gains: its head is the window's minimum. */
  private readonly dqGain: Float64Array
  private readonly dqIndex: Float64Array
  private dqHead = 0
  private dqSize = 0
  /** The last W released gains and their running sum, for the moving average. */
  private readonly box: Float64Array
  private boxPos = 0
  private boxSum: number
  private released = 1
  private index = 0
  /** Audio delay lines, one per channel. */
  private readonly delay: Float64Array[]
  private delayPos = 0

  constructor(readonly sampleRate: Hz, ceiling: Decibels, channels: number, lookahead: Milliseconds = LIMITER_LOOKAHEAD, release: Milliseconds = LIMITER_RELEASE) {
    this.latency = Math.max(1, Math.round((lookahead * sampleRate) / 1000))
    this.window = this.latency + 1
    this.ceiling = Math.pow(10, ceiling / 20)
    this.releaseCoeff = Math.exp(-1000 / (release * sampleRate))
    this.dqGain = new Float64Array(this.window)
    this.dqIndex = new Float64Array(this.window)
    this.box = new Float64Array(this.window).fill(1)
    this.boxSum = this.window
    this.delay = Array.from({ length: channels }, () => new Float64Array(this.latency))
  }

  /** Limits `channels[c][from..to)` in place; the output lags the input by `latency` samples. */
  processBlock(channels: readonly Float64Array[], from: number, to: number): void {
    const W = this.window, ceiling = this.ceiling, rel = this.releaseCoeff
    const dqGain = this.dqGain, dqIndex = this.dqIndex, box = this.box
    const l = channels[0]!, r = channels.length > 1 ? channels[1]! : undefined
    const dl = this.delay[0]!, dr = r === undefined ? undefined : this.delay[1]!
    let head = this.dqHead, size = this.dqSize, boxPos = this.boxPos, boxSum = this.boxSum
    let released = this.released, index = this.index, dp = this.delayPos
    for (let n = from; n < to; n++, index++) {
      const xl = l[n]!, xr = r === undefined ? 0 : r[n]!
      const peak = Math.max(Math.abs(xl), Math.abs(xr))
      const need = peak > ceiling ? ceiling / peak : 1
      // Sliding minimum: drop larger gains from the back, expired ones from the front.
      while (size > 0 && dqGain[(head + size - 1) % W]! >= need) size--
      dqGain[(head + size) % W] = need
      dqIndex[(head + size) % W] = index
      size++
      if (dqIndex[head]! <= index - W) {
        head = (head + 1) % W
        size--
      }
      const held = dqGain[head]!
      released = held <= released ? held : held + rel * (released - held)
      boxSum += released - box[boxPos]!
      box[boxPos] = released
      if (++boxPos === W) boxPos = 0
      // The running sum drifts by rounding (1e-16 per sample): never above unity gain; `limit` clamps the rest.
      const gain = Math.min(boxSum / W, 1)
      const yl = dl[dp]!
      dl[dp] = xl
      l[n] = yl * gain
      if (r !== undefined) {
        const yr = dr![dp]!
        dr![dp] = xr
        r[n] = yr * gain
      }
      if (++dp === this.latency) dp = 0
    }
    this.dqHead = head
    this.dqSize = size
    this.boxPos = boxPos
    this.boxSum = boxSum
    this.released = released
    this.index = index
    this.delayPos = dp
  }
}

/**
 * Limits whole channels offline (latency compensated: output aligned with input) to `ceiling` dBFS
 * sample peak, returning new float32 arrays clamped to +-ceiling, so no sample exceeds it even after
 * float32 rounding. Inter-sample (true) peaks may still exceed it: `finishOutput` measures and repeats.
 */
export function limit(channels: readonly Float32Array[], sampleRate: Hz, ceiling: Decibels, gain = 1): Float32Array[] {
  const n = channels[0]!.length
  const lim = new Limiter(sampleRate, ceiling, channels.length)
  const L = lim.latency
  const padded = channels.map((c) => {
    const p = new Float64Array(n + L)
    for (let i = 0; i < n; i++) p[i] = gain * c[i]!
    return p
  })
  lim.processBlock(padded, 0, n + L)
  const c = Math.pow(10, ceiling / 20)
  return padded.map((p) => {
    const out = new Float32Array(n)
    for (let i = 0; i < n; i++) out[i] = Math.max(-c, Math.min(c, p[i + L]!))
    return out
  })
}
