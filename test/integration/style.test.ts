import { beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../src-main/engine/tf'
import { initBackend } from '../../src-main/engine/backend'
import { textureDefaults } from '../../src-main/engine/style/defaults'
import { prepareTexture } from '../../src-main/engine/style/texture'
import { stylize } from '../../src-main/engine/style/stylize'
import { createRng } from '../../src-main/util/random'

const SR = textureDefaults.sampleRate

/** A plucked-ish melody: harmonic tones with decaying envelopes, one note every 0.25 s. */
function melody(seconds: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * SR))
  const notes = [220, 277.2, 329.6, 440, 329.6, 277.2]
  for (let i = 0; i < x.length; i++) {
    const t = i / SR
    const n = Math.floor(t / 0.25)
    const f = notes[n % notes.length]!
    const local = t - n * 0.25
    const env = Math.exp(-local * 12)
    x[i] = 0.3 * env * (Math.sin(2 * Math.PI * f * t) + 0.5 * Math.sin(4 * Math.PI * f * t))
  }
  return x
}

/** A texture unlike the melody: amplitude-modulated noise plus a high drone. */
function texture(seconds: number, seed = 1): Float32Array {
  const rng = createRng(seed)
  const x = new Float32Array(Math.round(seconds * SR))
  let lp = 0
  for (let i = 0; i < x.length; i++) {
    const t = i / SR
    lp = 0.7 * lp + 0.3 * rng.normal()
    x[i] = 0.15 * lp * (0.6 + 0.4 * Math.sin(2 * Math.PI * 5 * t)) + 0.1 * Math.sin(2 * Math.PI * 1760 * t)
  }
  return x
}

/** Few filters and iterations keep the test quick; the defaults are measured in `npm run bench`. */
const quick = { filters: 128, iterations: 40 }

beforeAll(async () => {
  await initBackend(process.env.EB_BACKEND ?? 'wasm')
})

describe('texture style transfer', () => {
  const content = melody(2)
  const style = texture(2)

  it('moves the output towards the style and keeps some content', () => {
    const { audio, report } = stylize(content, style, quick)
    expect(audio.length).toBe(content.length)
    expect(audio.every(Number.isFinite)).toBe(true)
    // The style distance must fall by at least 30% relative to the content's own distance.
    expect(report.styleDistance.output).toBeLessThan(0.7 * report.styleDistance.content)
    // Per-band z-scored log-mel frames differ by about 0.8 on average between unrelated signals;
    // a render that kept nothing of its content would sit there.
    expect(report.contentDistance).toBeLessThan(1.2)
    expect(report.method).toBe('texture')
    expect(report.optimizer).toBe('lbfgs')
  })

  it('same seed and backend give the same output, another seed another', () => {
    const a = stylize(content, style, { ...quick, iterations: 10, seed: 3 })
    const b = stylize(content, style, { ...quick, iterations: 10, seed: 3 })
    const c = stylize(content, style, { ...quick, iterations: 10, seed: 4 })
    expect(Buffer.from(a.audio.buffer).equals(Buffer.from(b.audio.buffer))).toBe(true)
    expect(Buffer.from(a.audio.buffer).equals(Buffer.from(c.audio.buffer))).toBe(false)
  })

  it('splits the filter bank across threads: the one-thread result, repeatably', () => {
    // 256 filters > 77 + 77 activation rows: the kernel-trick route, which is the one that splits.
    const opts = { filters: 256, iterations: 10, seed: 2 }
    const one = stylize(content, style, { ...opts, threads: 1 })
    const two = stylize(content, style, { ...opts, threads: 2 })
    const again = stylize(content, style, { ...opts, threads: 2 })
    expect(one.report.threads).toBe(1)
    expect(two.report.threads).toBe(2)
    expect(Buffer.from(two.audio.buffer).equals(Buffer.from(again.audio.buffer))).toBe(true)
    // Float32 sums in another order: the same optimisation to within rounding.
    expect(Math.abs(two.report.finalLoss - one.report.finalLoss) / one.report.finalLoss).toBeLessThan(1e-2)
    let dot = 0
    let n1 = 0
    let n2 = 0
    for (let i = 0; i < one.audio.length; i++) {
      dot += one.audio[i]! * two.audio[i]!
      n1 += one.audio[i]! ** 2
      n2 += two.audio[i]! ** 2
    }
    expect(dot / Math.sqrt(n1 * n2)).toBeGreaterThan(0.99)
  })

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors
    stylize(content, style, { ...quick, iterations: 5 })
    stylize(content, style, { filters: 256, iterations: 3, threads: 2 })
    expect(tf.memory().numTensors).toBe(before)
  })

  it('reports the style analysis chunk by chunk before the iterations', () => {
    // 50 s of style at hop 512 is 2154 frames: three chunks of 1024.
    const events: { step: number; total: number; phase?: string }[] = []
    stylize(content, texture(50, 3), { filters: 32, iterations: 2 }, { onProgress: (p) => events.push(p) })
    const analyse = events.filter((e) => e.phase === 'analyse').map((e) => e.step)
    expect(analyse).toEqual([0, 1, 2, 3])
    const total = events[0]!.total
    expect(total).toBe(3 + 2 + textureDefaults.griffinLimIterations)
    const firstIteration = events.find((e) => e.phase === 'optimise')!
    expect(firstIteration.step).toBeGreaterThan(3)
    expect(events.at(-1)).toMatchObject({ step: total, phase: 'measure' })
  })

  it('processes long content in crossfaded segments', () => {
    const long = melody(2.5)
    const { audio } = stylize(long, style, { filters: 32, iterations: 3 }, {}, 'test')
    expect(audio.length).toBe(long.length)
    expect(audio.every(Number.isFinite)).toBe(true)
  })

  it('accumulates a 10-minute style in bounded memory', () => {
    const long = texture(600, 7)
    let peakBytes = 0
    let peakRss = 0
    const rssBefore = process.memoryUsage().rss
    const settings = { ...textureDefaults, filters: 64, styleChunkFrames: 256 }
    let chunks = 0
    const plan = prepareTexture(long, settings, () => {
      chunks++
      peakBytes = Math.max(peakBytes, tf.memory().numBytes)
      peakRss = Math.max(peakRss, process.memoryUsage().rss)
    })
    plan.dispose()
    expect(chunks).toBeGreaterThan(100)
    // Live tensors between chunks: the net's filter spectrum (17 bins x 2 x 1025 x 64 floats =
    // 8.9 MB, fixed), the Gram sum and the carried frames; the whole style's spectrogram is 106 MB.
    expect(peakBytes).toBeLessThan(16 * 1024 * 1024)
    // The whole style at once would need its spectrogram (600 s * 43 frames/s * 1025 bins * 4 B =
    // 106 MB) and its im2col copy (x11, 1.2 GB); chunk by chunk the process grows by far less
    // (a wasm heap keeps its high-water mark, so RSS growth bounds the peak).
    expect(peakRss - rssBefore).toBeLessThan(400 * 1024 * 1024)
  })
})

describe('gram baseline', () => {
  it('its loss falls over the first iterations', () => {
    const losses: number[] = []
    stylize(melody(1).subarray(0, 16000), texture(1).subarray(0, 16000), { method: 'gram', iterations: 20 }, {
      onProgress: (p) => {
        if (p.phase === 'optimise' && p.loss !== undefined) losses.push(p.loss)
      }
    })
    expect(losses.length).toBe(20)
    expect(losses.at(-1)!).toBeLessThan(losses[0]!)
  })
})

describe('bad input', () => {
  const ok = melody(1)
  it.each([
    ['a silent clip', new Float32Array(SR), /content: clip is silent/],
    ['an empty clip', new Float32Array(0), /content: clip has no samples/],
    ['a clip shorter than one frame', ok.subarray(0, 500), /content: clip is too short/],
    ['NaN samples', Float32Array.from(ok, (v, i) => (i === 100 ? Number.NaN : v)), /content: sample 100 is not a finite number/]
  ])('rejects %s with a clear error', (_name, bad, message) => {
    expect(() => stylize(bad, ok, quick)).toThrow(message)
  })

  it('rejects a style shorter than the filters', () => {
    expect(() => stylize(ok, ok.subarray(0, 2048), quick)).toThrow(/style: clip is too short/)
  })

  it('rejects nonsense options', () => {
    expect(() => stylize(ok, ok, { iterations: 0 })).toThrow(/iterations: 0 is not an integer/)
    expect(() => stylize(ok, ok, { method: 'magic' as 'gram' })).toThrow(/method: "magic"/)
    expect(() => stylize(ok, ok, { contentWeight: Number.NaN })).toThrow(/content weight/)
    expect(() => stylize(ok, ok, { lineSearch: 'armijo' as 'wolfe' })).toThrow(/line search: "armijo" is not one of none, wolfe/)
    expect(() => stylize(ok, ok, { threads: 0 })).toThrow(/threads: 0 is not an integer in 1..64/)
  })
})
