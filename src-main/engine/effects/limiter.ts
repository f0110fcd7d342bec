import type { Decibels, Hz, Milliseconds, Samples } from '../../util/units'

/** Lookahead: long enough for a smooth gain ramp into a peak (no audible click), short enough to keep transients. */
export const LIMITER_LOOKAHEAD: Milliseconds = 1.5
/** Release time constant: recovers between syllables without pumping. */
export const LIMITER_RELEASE: Milliseconds = 50

/**
 * Lookahead peak limiter over 1 or 2 channels (linked: one gain for both). Per sample it needs the gain
 * r = min(1, ceiling / peak), peak being max|x| or, when `processBlock` is given them, the detector's
 * peaks (see `peakEnvelope`); a sliding minimum of r over a window of W + 2 hold samples (a monotonic
 * deque, O(1) per sample) starts the reduction before each peak; an exponential release lets it go; and
 * a W-sample moving average (W = lookahead + 1) turns the step into a ramp. The average over W of that
 * minimum is at most r on every sample within `hold` of the peak, which is why the audio is delayed by
 * W - 1 + hold = `latency` samples: every output sample there is at most `ceiling / peak` times its input.
 */
export class Limiter {
  /** Delay of the output behind the input. */
  readonly latency: Samples
  /** Length of the moving average. */
  private readonly window: Samples
  /** Length of the sliding minimum: the average's window plus `hold` on each side. */
  private readonly span: Samples
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

  /** `hold`: samples either side of a peak that get its full reduction too (the true-peak filter's reach). */
  constructor(readonly sampleRate: Hz, ceiling: Decibels, channels: number, lookahead: Milliseconds = LIMITER_LOOKAHEAD, release: Milliseconds = LIMITER_RELEASE, hold: Samples = 0) {
    const ramp = Math.max(1, Math.round((lookahead * sampleRate) / 1000))
    this.window = ramp + 1
    this.span = this.window + 2 * hold
    this.latency = ramp + hold
    this.ceiling = Math.pow(10, ceiling / 20)
    this.releaseCoeff = Math.exp(-1000 / (release * sampleRate))
    this.dqGain = new Float64Array(this.span)
    this.dqIndex = new Float64Array(this.span)
    this.box = new Float64Array(this.window).fill(1)
    this.boxSum = this.window
    this.delay = Array.from({ length: channels }, () => new Float64Array(this.latency))
  }

  /**
   * Limits `channels[c][from..to)` in place; the output lags the input by `latency` samples. `peaks[n]`
   * times `peakGain`, when given, is the level sample n must be brought under the ceiling from
   * (at least max|x[n]|: an inter-sample peak near it); otherwise the samples' own magnitude.
   */
  processBlock(channels: readonly Float64Array[], from: number, to: number, peaks?: ArrayLike<number>, peakGain = 1): void {
    const W = this.window, S = this.span, ceiling = this.ceiling, rel = this.releaseCoeff
    const dqGain = this.dqGain, dqIndex = this.dqIndex, box = this.box
    const l = channels[0]!, r = channels.length > 1 ? channels[1]! : undefined
    const dl = this.delay[0]!, dr = r === undefined ? undefined : this.delay[1]!
    let head = this.dqHead, size = this.dqSize, boxPos = this.boxPos, boxSum = this.boxSum
    let released = this.released, index = this.index, dp = this.delayPos
    for (let n = from; n < to; n++, index++) {
      const xl = l[n]!, xr = r === undefined ? 0 : r[n]!
      let peak = peaks === undefined ? (xl < 0 ? -xl : xl) : peakGain * peaks[n]!
      if (peaks === undefined && xr > peak) peak = xr
      else if (peaks === undefined && -xr > peak) peak = -xr
      const need = peak > ceiling ? ceiling / peak : 1
      // Sliding minimum: drop larger gains from the back, expired ones from the front (a ring of S entries).
      let back = head + size - 1
      if (back >= S) back -= S
      while (size > 0 && dqGain[back]! >= need) {
        size--
        if (--back < 0) back += S
      }
      if (++back >= S) back -= S
      dqGain[back] = need
      dqIndex[back] = index
      size++
      if (dqIndex[head]! <= index - S) {
        if (++head === S) head = 0
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

/** What `peakEnvelope` returns, for `limit`: per-sample peaks and how far each one's reduction must reach. */
export interface PeakEnvelope {
  peaks: Float32Array
  reach: Samples
}

/**
 * Limits whole channels offline (latency compensated: output aligned with input) to `ceiling` dBFS,
 * returning new float32 arrays clamped to +-ceiling, so no sample exceeds it even after float32
 * rounding. Without `envelope` that is the sample peak; with `peakEnvelope(channels, ...)` the
 * reduction covers each inter-sample peak and every sample its interpolation reads, so the output's
 * true peak is at the ceiling to within the gain's change over those few samples (`finishOutput` checks).
 */
export function limit(channels: readonly Float32Array[], sampleRate: Hz, ceiling: Decibels, gain = 1, envelope?: PeakEnvelope): Float32Array[] {
  const n = channels[0]!.length
  const lim = new Limiter(sampleRate, ceiling, channels.length, LIMITER_LOOKAHEAD, LIMITER_RELEASE, envelope?.reach ?? 0)
  const L = lim.latency
  const padded = channels.map((c) => {
    const p = new Float64Array(n + L)
    for (let i = 0; i < n; i++) p[i] = gain * c[i]!
    return p
  })
  if (envelope === undefined) lim.processBlock(padded, 0, n + L)
  else {
    // The padding is zeros: past the end the samples' own magnitude is the peak.
    lim.processBlock(padded, 0, n, envelope.peaks, gain)
    lim.processBlock(padded, n, n + L)
  }
  const c = Math.pow(10, ceiling / 20)
  return padded.map((p) => {
    const out = new Float32Array(n)
    for (let i = 0; i < n; i++) out[i] = Math.max(-c, Math.min(c, p[i + L]!))
    return out
  })
}

/**
 * The limiter's own inter-sample peak detector (our DSP, written for it, in the manner of ITU-R BS.1770-4
 * Annex 2): oversampling by 4 below 96 kHz, by 2 below 192 kHz, none above, through a 49-tap
 * Hann-windowed sinc split into polyphase branches, one per point between two samples. It is the same
 * design libebur128 and the ebur128 crate use, so it agrees with the reference meter (dsp/loudness) to
 * float rounding, which the tests check; unlike the meter it computes only where a peak can matter.
 */
const TP_TAPS = 49
/** Samples per block of the detector's screening: more than any branch's reach, so a block's neighbours hold every sample it reads. */
const TP_BLOCK = 32

interface Interpolator {
  /** One branch per point k / factor (k = 1..factor - 1) between x[n] and x[n + 1]: sum of x[n + offsets[j]] * coeffs[j]. */
  offsets: Int32Array[]
  coeffs: Float64Array[]
  /** Farthest sample (either side) a point reads. */
  reach: Samples
  /** Largest sum of |coefficients| of a branch: no point exceeds it times the largest sample it reads. */
  bound: number
}

const interpolators = new Map<number, Interpolator>()

function interpolatorFor(sampleRate: Hz): Interpolator {
  const factor = sampleRate < 96_000 ? 4 : sampleRate < 192_000 ? 2 : 1
  const known = interpolators.get(factor)
  if (known) return known
  const half = (TP_TAPS - 1) / 2
  const offsets: Int32Array[] = [], coeffs: Float64Array[] = []
  let reach = 0, bound = 0
  for (let k = 1; k < factor; k++) {
    const o: number[] = [], c: number[] = []
    // Tap j of the prototype lands on input sample n + off when j = k + half - factor * off.
    for (let off = Math.ceil((k - half) / factor); off <= Math.floor((k + half) / factor); off++) {
      const j = k + half - factor * off
      const t = Math.PI * (k / factor - off)
      const w = 0.5 * (1 - Math.cos((2 * Math.PI * j) / (TP_TAPS - 1)))
      if (w === 0) continue
      o.push(off)
      c.push((Math.sin(t) / t) * w)
      reach = Math.max(reach, Math.abs(off))
    }
    offsets.push(Int32Array.from(o))
    coeffs.push(Float64Array.from(c))
    bound = Math.max(bound, c.reduce((s, v) => s + Math.abs(v), 0))
  }
  const made = { offsets, coeffs, reach, bound }
  interpolators.set(factor, made)
  return made
}

/**
 * Per-sample peaks for the true-peak limiter: peaks[n] is max|x[n]| over channels, raised to every
 * oversampled point between x[n - 1] and x[n + 1] that could reach `gate` (linear; lower points are
 * skipped, block by block, by the interpolator's gain bound). `reach`: the samples either side a point reads.
 */
export function peakEnvelope(channels: readonly Float32Array[], sampleRate: Hz, gate: number): PeakEnvelope {
  const n = channels[0]!.length
  const peaks = new Float32Array(n)
  for (const x of channels) for (let i = 0; i < n; i++) peaks[i] = Math.max(peaks[i]!, Math.abs(x[i]!))
  const ip = interpolatorFor(sampleRate)
  if (ip.offsets.length === 0) return { peaks, reach: 0 }
  const blocks = Math.ceil(n / TP_BLOCK)
  const blockMax = new Float64Array(blocks)
  for (let i = 0; i < n; i++) {
    const b = (i / TP_BLOCK) | 0
    if (peaks[i]! > blockMax[b]!) blockMax[b] = peaks[i]!
  }
  const R = ip.reach
  for (let b = 0; b < blocks; b++) {
    const local = Math.max(blockMax[b]!, b > 0 ? blockMax[b - 1]! : 0, b + 1 < blocks ? blockMax[b + 1]! : 0)
    if (local * ip.bound < gate) continue
    // Points between x[i] and x[i + 1]; the first block also takes those before x[0] (zeros before the start, as a meter sees them).
    const first = b === 0 ? -1 : b * TP_BLOCK, end = Math.min(n, (b + 1) * TP_BLOCK)
    for (const x of channels) {
      const lo = Math.max(first, R), hi = Math.min(end, n - R)
      if (ip.offsets.length === 3 && ip.offsets.every((o) => o.length === 12 && o[0] === -5) && lo < hi) {
        pointsEdge(x, first, lo, ip, peaks)
        points4x(x, lo, hi, ip.coeffs, peaks)
        pointsEdge(x, hi, end, ip, peaks)
      } else pointsEdge(x, first, end, ip, peaks)
    }
  }
  return { peaks, reach: R }
}

/** Raises peaks[i] and peaks[i + 1] to each point between x[i] and x[i + 1], i in [from, to), reading zeros outside x. */
function pointsEdge(x: Float32Array, from: number, to: number, ip: Interpolator, peaks: Float32Array): void {
  const n = x.length
  for (let i = from; i < to; i++) {
    let m = 0
    for (let k = 0; k < ip.offsets.length; k++) {
      const off = ip.offsets[k]!, c = ip.coeffs[k]!
      let v = 0
      for (let j = 0; j < off.length; j++) {
        const at = i + off[j]!
        if (at >= 0 && at < n) v += c[j]! * x[at]!
      }
      m = Math.max(m, Math.abs(v))
    }
    if (i >= 0 && m > peaks[i]!) peaks[i] = m
    if (i + 1 < n && m > peaks[i + 1]!) peaks[i + 1] = m
  }
}

/**
 * `pointsEdge` for 4x oversampling (three branches of 12 taps, offsets -5..6) away from the ends: the
 * twelve samples slide through locals and the coefficients are locals, which is what makes the detector
 * cheap enough to run on every limiter pass.
 */
function points4x(x: Float32Array, from: number, to: number, coeffs: Float64Array[], peaks: Float32Array): void {
  const [p, q, r] = coeffs as [Float64Array, Float64Array, Float64Array]
  const p0 = p[0]!, p1 = p[1]!, p2 = p[2]!, p3 = p[3]!, p4 = p[4]!, p5 = p[5]!, p6 = p[6]!, p7 = p[7]!, p8 = p[8]!, p9 = p[9]!, p10 = p[10]!, p11 = p[11]!
  const q0 = q[0]!, q1 = q[1]!, q2 = q[2]!, q3 = q[3]!, q4 = q[4]!, q5 = q[5]!, q6 = q[6]!, q7 = q[7]!, q8 = q[8]!, q9 = q[9]!, q10 = q[10]!, q11 = q[11]!
  const r0 = r[0]!, r1 = r[1]!, r2 = r[2]!, r3 = r[3]!, r4 = r[4]!, r5 = r[5]!, r6 = r[6]!, r7 = r[7]!, r8 = r[8]!, r9 = r[9]!, r10 = r[10]!, r11 = r[11]!
  let a0 = 0, a1 = x[from - 5]!, a2 = x[from - 4]!, a3 = x[from - 3]!, a4 = x[from - 2]!, a5 = x[from - 1]!
  let a6 = x[from]!, a7 = x[from + 1]!, a8 = x[from + 2]!, a9 = x[from + 3]!, a10 = x[from + 4]!, a11 = x[from + 5]!
  for (let i = from; i < to; i++) {
    a0 = a1; a1 = a2; a2 = a3; a3 = a4; a4 = a5; a5 = a6; a6 = a7; a7 = a8; a8 = a9; a9 = a10; a10 = a11
    a11 = x[i + 6]!
    const u = p0 * a0 + p1 * a1 + p2 * a2 + p3 * a3 + p4 * a4 + p5 * a5 + p6 * a6 + p7 * a7 + p8 * a8 + p9 * a9 + p10 * a10 + p11 * a11
    const v = q0 * a0 + q1 * a1 + q2 * a2 + q3 * a3 + q4 * a4 + q5 * a5 + q6 * a6 + q7 * a7 + q8 * a8 + q9 * a9 + q10 * a10 + q11 * a11
    const w = r0 * a0 + r1 * a1 + r2 * a2 + r3 * a3 + r4 * a4 + r5 * a5 + r6 * a6 + r7 * a7 + r8 * a8 + r9 * a9 + r10 * a10 + r11 * a11
    const m = Math.max(Math.abs(u), Math.abs(v), Math.abs(w))
    if (m > peaks[i]!) peaks[i] = m
    if (m > peaks[i + 1]!) peaks[i + 1] = m
  }
}

/** True peak (dBTP, the maximum over channels) by the limiter's detector; -Infinity for digital silence. */
export function truePeak(channels: readonly Float32Array[], sampleRate: Hz): Decibels {
  let sample = 0
  for (const x of channels) for (let i = 0; i < x.length; i++) sample = Math.max(sample, Math.abs(x[i]!))
  if (sample === 0) return -Infinity
  // No point below the sample peak can be the maximum: screen at it.
  const { peaks } = peakEnvelope(channels, sampleRate, sample)
  let top = 0
  for (let i = 0; i < peaks.length; i++) if (peaks[i]! > top) top = peaks[i]!
  return 20 * Math.log10(top)
}
