import type { ReverbStage } from './chain'
import type { Hz, Samples, Seconds } from '../../util/units'

/**
 * Written here, not taken from npm: the JavaScript reverbs there wrap Web Audio nodes (ConvolverNode,
 * DelayNode graphs) that need an AudioContext and cannot run synchronously inside a fitter's loop.
 */

/** Delay lines in the network. */
const LINES = 8
/**
 * Line lengths (ms) of the two decorrelated sets (left/mono and right), spread over 30-90 ms; each
 * becomes the next prime number of samples, so the lengths are mutually prime at every rate and the
 * echoes of different lines never pile up on the same sample.
 */
const LINE_MS = [
  [31.3, 36.7, 42.1, 48.5, 55.9, 63.7, 72.3, 83.9],
  [33.1, 38.9, 44.7, 51.3, 58.1, 67.1, 76.9, 88.3]
] as const
/** Input diffusers: Schroeder allpasses (ms) that thicken the first echoes before the network. */
const DIFFUSER_MS = [
  [3.1, 4.7, 9.3, 13.1],
  [3.3, 5.1, 8.9, 12.7]
] as const
/** Allpass coefficient of the diffusers: dense enough to smear clicks, low enough not to ring. */
const DIFFUSER_GAIN = 0.6
/** Longest pre-delay chain.ts allows (ms); the buffer is sized once for it. */
const MAX_PREDELAY_MS = 500

/**
 * The reverb stage, one channel: pre-delay, four input allpass diffusers, then Jot's feedback delay
 * network (Jot & Chaigne, "Digital Delay Networks for Designing Artificial Reverberators", AES 90th
 * convention, 1991): 8 lines of mutually prime lengths, a Hadamard feedback matrix (unitary, so the
 * loop alone is lossless), and in each line a gain g = 10^(-3 d / (RT60 fs)) times a one-pole low-pass
 * whose DC gain gives `decay` and whose Nyquist gain gives (1 - 0.9 damping) x `decay`.
 *
 * Output: (1 - w) x + w n r, w = wet x amount, with n normalising the network's output to the input's
 * power for a speech-like spectrum (`reverbNorm`), so wet 0.5 sounds as loud as dry.
 * `variant` picks one of two delay sets: 0 for mono or left, 1 for right (decorrelated stereo).
 */
export class Reverb {
  private readonly delays: Int32Array
  private readonly diffDelays: Int32Array
  /** The 8 lines interleaved (sample t of line i at (t & lineMask) * 8 + i): one cache line per write. */
  private readonly lines: Float64Array
  private readonly lineMask: number
  /** The 4 diffusers, interleaved the same way. */
  private readonly diff: Float64Array
  private readonly diffMask: number
  private readonly pre: Float64Array
  private readonly preMask: number
  private preLen = 0
  /** Per line: input gain of the one-pole (1 - b) g / sqrt(8), its pole b, and its state. */
  private readonly loopIn = new Float64Array(LINES)
  private readonly loopPole = new Float64Array(LINES)
  private readonly loopState = new Float64Array(LINES)
  private dryGain = 1
  private wetGain = 0
  /** Sample clock shared by every buffer (all power-of-two sized, so (t - d) & mask reads d samples back). */
  private t = 0

  constructor(readonly sampleRate: Hz, readonly variant: 0 | 1 = 0) {
    this.delays = Int32Array.from(delayLengths(LINE_MS[variant], sampleRate))
    this.lineMask = ceilPow2(Math.max(...this.delays) + 1) - 1
    this.lines = new Float64Array(LINES * (this.lineMask + 1))
    this.diffDelays = Int32Array.from(DIFFUSER_MS[variant], (ms) => Math.max(1, Math.round((ms * sampleRate) / 1000)))
    this.diffMask = ceilPow2(Math.max(...this.diffDelays) + 1) - 1
    this.diff = new Float64Array(4 * (this.diffMask + 1))
    this.preMask = ceilPow2(Math.ceil((MAX_PREDELAY_MS * sampleRate) / 1000) + 1) - 1
    this.pre = new Float64Array(this.preMask + 1)
  }

  /** Line lengths in samples (mutually prime). */
  get lineDelays(): readonly Samples[] {
    return Array.from(this.delays)
  }

  /** Sets the parameters and clears every buffer. */
  set(p: ReverbStage): this {
    const sr = this.sampleRate
    const loops = loopFilters(this.lineDelays, p.decay, p.damping, sr)
    for (let i = 0; i < LINES; i++) {
      // 1/sqrt(8) folded in here makes the plain butterfly Hadamard below the unitary one.
      this.loopIn[i] = (loops[i]!.gain * (1 - loops[i]!.pole)) / Math.SQRT2 / 2
      this.loopPole[i] = loops[i]!.pole
    }
    this.preLen = Math.min(this.preMask, Math.round((p.preDelay * sr) / 1000))
    const w = p.wet * p.amount
    this.dryGain = 1 - w
    // Taps read lines scaled by 1/sqrt(8); the output is their signed sum / sqrt(8), hence x 1 here.
    this.wetGain = w * reverbNorm(loops, sr)
    this.reset()
    return this
  }

  /** True when the stage is the identity (wet or amount 0). */
  get bypassed(): boolean {
    return this.wetGain === 0
  }

  /** Clears every buffer (the tail of earlier audio). */
  reset(): void {
    this.lines.fill(0)
    this.diff.fill(0)
    this.pre.fill(0)
    this.loopState.fill(0)
    this.t = 0
  }

  /**
   * Reverberates `buf[from..to)` in place (the tail past `to` carries into the next block). Written out
   * line by line with every coefficient and state in a local: a loop over lines through index arrays
   * ran at a third of this speed, and this loop is most of the chain's time.
   */
  processBlock(buf: Float64Array, from: number, to: number): void {
    const { lines, diff, pre, preLen, preMask, lineMask: lm, diffMask: dm, dryGain, wetGain } = this
    // Plain indexing, not destructuring: a typed array's iterator would allocate per block.
    const dl = this.delays, md = this.diffDelays, k = this.loopIn, b = this.loopPole, st = this.loopState
    const d0 = dl[0]!, d1 = dl[1]!, d2 = dl[2]!, d3 = dl[3]!, d4 = dl[4]!, d5 = dl[5]!, d6 = dl[6]!, d7 = dl[7]!
    const m0 = md[0]!, m1 = md[1]!, m2 = md[2]!, m3 = md[3]!
    const k0 = k[0]!, k1 = k[1]!, k2 = k[2]!, k3 = k[3]!, k4 = k[4]!, k5 = k[5]!, k6 = k[6]!, k7 = k[7]!
    const b0 = b[0]!, b1 = b[1]!, b2 = b[2]!, b3 = b[3]!, b4 = b[4]!, b5 = b[5]!, b6 = b[6]!, b7 = b[7]!
    let s0 = st[0]!, s1 = st[1]!, s2 = st[2]!, s3 = st[3]!, s4 = st[4]!, s5 = st[5]!, s6 = st[6]!, s7 = st[7]!
    const G = DIFFUSER_GAIN
    let t = this.t
    for (let n = from; n < to; n++) {
      const x = buf[n]!
      // Pre-delay: write first, so a delay of 0 reads the sample just written.
      pre[t & preMask] = x
      let v = pre[(t - preLen) & preMask]!
      // Four Schroeder allpasses: w = v + G w[t - m], out = w[t - m] - G w.
      let d = diff[((t - m0) & dm) * 4]!
      let w = v + G * d
      diff[(t & dm) * 4] = w
      v = d - G * w
      d = diff[((t - m1) & dm) * 4 + 1]!
      w = v + G * d
      diff[(t & dm) * 4 + 1] = w
      v = d - G * w
      d = diff[((t - m2) & dm) * 4 + 2]!
      w = v + G * d
      diff[(t & dm) * 4 + 2] = w
      v = d - G * w
      d = diff[((t - m3) & dm) * 4 + 3]!
      w = v + G * d
      diff[(t & dm) * 4 + 3] = w
      v = d - G * w
      // Line outputs through their loop filters (already scaled by 1/sqrt(8)).
      s0 = k0 * lines[((t - d0) & lm) * 8]! + b0 * s0
      s1 = k1 * lines[((t - d1) & lm) * 8 + 1]! + b1 * s1
      s2 = k2 * lines[((t - d2) & lm) * 8 + 2]! + b2 * s2
      s3 = k3 * lines[((t - d3) & lm) * 8 + 3]! + b3 * s3
      s4 = k4 * lines[((t - d4) & lm) * 8 + 4]! + b4 * s4
      s5 = k5 * lines[((t - d5) & lm) * 8 + 5]! + b5 * s5
      s6 = k6 * lines[((t - d6) & lm) * 8 + 6]! + b6 * s6
      s7 = k7 * lines[((t - d7) & lm) * 8 + 7]! + b7 * s7
      // Signed output taps (++--+--+, not a row of the Hadamard matrix, unlike the input's +-+-+-+-),
      // so the output after one pass through the matrix is not a single line's echo.
      const y = s0 + s1 - s2 - s3 + s4 - s5 - s6 + s7
      // Fast Walsh-Hadamard transform of the 8 line outputs: 3 butterfly stages, 24 additions.
      const a0 = s0 + s1, a1 = s0 - s1, a2 = s2 + s3, a3 = s2 - s3, a4 = s4 + s5, a5 = s4 - s5, a6 = s6 + s7, a7 = s6 - s7
      const c0 = a0 + a2, c1 = a1 + a3, c2 = a0 - a2, c3 = a1 - a3, c4 = a4 + a6, c5 = a5 + a7, c6 = a4 - a6, c7 = a5 - a7
      const u = v / Math.SQRT2 / 2
      const at = (t & lm) * 8
      lines[at] = c0 + c4 + u
      lines[at + 1] = c1 + c5 - u
      lines[at + 2] = c2 + c6 + u
      lines[at + 3] = c3 + c7 - u
      lines[at + 4] = c0 - c4 + u
      lines[at + 5] = c1 - c5 - u
      lines[at + 6] = c2 - c6 + u
      lines[at + 7] = c3 - c7 - u
      buf[n] = dryGain * x + wetGain * y
      // Every buffer is a power of two long, so wrapping the clock at 2^30 keeps (t - d) & mask exact.
      t = (t + 1) & 0x3fffffff
    }
    st[0] = s0
    st[1] = s1
    st[2] = s2
    st[3] = s3
    st[4] = s4
    st[5] = s5
    st[6] = s6
    st[7] = s7
    this.t = t
  }
}

/** The smallest power of two >= n. */
function ceilPow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(n))
}

/** Per-line loop gain at DC and the one-pole's pole. */
interface LoopFilter {
  gain: number
  pole: number
}

/**
 * Jot's absorbent filters: g = 10^(-3 d / (T fs)) at DC and 10^(-3 d / (T_pi fs)) at Nyquist with
 * T_pi = T (1 - 0.9 damping); a one-pole g (1 - b) / (1 - b z^-1) meets both with b = (g - g_pi) / (g + g_pi).
 */
function loopFilters(delays: readonly Samples[], decay: Seconds, damping: number, sampleRate: Hz): LoopFilter[] {
  const decayHigh = decay * (1 - 0.9 * damping)
  return delays.map((d) => {
    const g = Math.pow(10, (-3 * d) / (decay * sampleRate))
    const gHigh = Math.pow(10, (-3 * d) / (decayHigh * sampleRate))
    return { gain: g, pole: (g - gHigh) / (g + gHigh) }
  })
}

/**
 * 1 / RMS gain of the network for a speech-like input (long-term spectrum flat to 500 Hz, then falling
 * 6 dB/octave). At frequency f, energy injected into the lines circulates with mean loop energy gain
 * G2(f) = mean_i |g_i H_i(f)|^2 (the unitary matrix spreads it evenly), so the taps, uncorrelated with
 * weights 1/sqrt(8), read G2 / (8 (1 - G2)) of it in total: the impulse response's energy at f.
 * Averaged over the speech spectrum on a 48-point grid of 60 Hz .. min(8 kHz, 0.45 fs).
 */
function reverbNorm(loops: readonly LoopFilter[], sampleRate: Hz): number {
  const lo = 60, hi = Math.min(8000, 0.45 * sampleRate), points = 48
  let energy = 0, weight = 0, prevF = lo
  for (let k = 0; k < points; k++) {
    const f = lo * Math.pow(hi / lo, k / (points - 1))
    const w = (2 * Math.PI * f) / sampleRate
    let g2 = 0
    for (const { gain, pole } of loops) g2 += (gain * gain * (1 - pole) * (1 - pole)) / (1 - 2 * pole * Math.cos(w) + pole * pole)
    g2 /= loops.length
    // Power per Hz of the speech-like spectrum times the grid's spacing (log grid: df grows with f).
    const p = (1 / (1 + (f / 500) ** 2)) * (k === 0 ? 0 : f - prevF)
    energy += (p * g2) / (LINES * (1 - g2))
    weight += p
    prevF = f
  }
  return Math.sqrt(weight / energy)
}

/** The next prime >= n. */
function nextPrime(n: number): number {
  for (let p = Math.max(2, n); ; p++) if (isPrime(p)) return p
}

function isPrime(n: number): boolean {
  if (n < 4) return n >= 2
  if (n % 2 === 0) return false
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false
  return true
}

/** Distinct prime lengths (samples) for lengths in ms at a rate: mutually prime by construction. */
function delayLengths(ms: readonly number[], sampleRate: Hz): Samples[] {
  const out: Samples[] = []
  for (const m of ms) {
    let p = nextPrime(Math.round((m * sampleRate) / 1000))
    while (out.includes(p)) p = nextPrime(p + 1)
    out.push(p)
  }
  return out
}

/**
 * An upper bound (s) on how long the reverb stage rings after its input stops, until its output has
 * fallen by `dropDb`: the pre-delay, the four diffusers' own rings (each allpass decays by its gain
 * per loop of its delay) and the network's longest line, plus the RT60 (`decay`, the slowest band:
 * damping only shortens the highs) scaled from 60 dB to `dropDb`.
 */
export function reverbTailSeconds(p: ReverbStage, sampleRate: Hz, dropDb: number): Seconds {
  const loops = (dropDb / 20) * Math.LN10 / -Math.log(DIFFUSER_GAIN)
  const diffusers = Math.max(...DIFFUSER_MS.map((set) => set.reduce((a, b) => a + b, 0))) / 1000
  const longest = Math.max(...LINE_MS.flat()) / 1000
  return p.preDelay / 1000 + loops * diffusers + longest + (p.decay * dropDb) / 60 + 2 / sampleRate
}
