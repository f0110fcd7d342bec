/**
 * The wavenet style method (engine/style/wavenet) on small random WaveNets at 8 kHz and clips of a
 * fraction of a second: the window arithmetic (a window's activations and stats equal the whole
 * clip's; a layer's reach is what a perturbation reaches), the sweep lowering the loss, every block
 * projected to one-hot, a valid mu-law decode, determinism for a seed, refusals, cancellation, and
 * no tensor left behind.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { buildWavenet, type WavenetOptions } from '../../../src-main/engine/models/wavenet'
import type { LayersModel } from '../../../src-main/engine/models/model-files'
import { muLawEncode } from '../../../src-main/dsp/mulaw'
import { featureModel, resolveLayer } from '../../../src-main/engine/style/wavenet/layers'
import { activations, clipStats, disposeStats, oneHotRows, stretchStats } from '../../../src-main/engine/style/wavenet/objective'
import { buildObjective, disposeObjective } from '../../../src-main/engine/style/wavenet/targets'
import { sweep, type SweepSettings } from '../../../src-main/engine/style/wavenet/sweep'
import { stylizeWavenet, WAVENET_STYLE_MAX_SAMPLES, type StyleWavenet } from '../../../src-main/engine/style/wavenet/index'
import { UserError } from '../../../src-main/util/errors'
import { createRng } from '../../../src-main/util/random'

const RATE = 8000
const SHAPE: WavenetOptions = { dilations: [1, 2, 4, 8], residualChannels: 8, dilationChannels: 8, skipChannels: 16, seed: 4 }
/**
 * Two float32 sums of the same products in other orders (a chunked pass against one pass; matmul
 * blocking) differ by rounding, ~1e-6 relative at these sizes; 1e-4 leaves room without hiding a
 * wrong window (which moves results by tens of percent).
 */
const REL = 1e-4

/** A voiced-ish content (two partials and an envelope) and a noisy, brighter style. */
function clips(): { content: Float32Array; style: Float32Array } {
  const rng = createRng(9)
  const content = Float32Array.from({ length: 3000 }, (_, i) => 0.6 * Math.sin((2 * Math.PI * 220 * i) / RATE) * (0.5 + 0.5 * Math.sin(i / 300)) + 0.2 * Math.sin((2 * Math.PI * 660 * i) / RATE))
  const style = Float32Array.from({ length: 2500 }, (_, i) => 0.4 * rng.normal() * Math.abs(Math.sin(i / 100)) + 0.3 * Math.sin((2 * Math.PI * 1500 * i) / RATE))
  return { content, style }
}

let model: LayersModel
const net = (m: LayersModel = model, speakers: string[] = []): StyleWavenet => ({ model: m, sampleRate: RATE, speakers, modelId: 7, checkpointId: 9 })
const relErr = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = 0
  let m = 0
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!))
    m = Math.max(m, Math.abs(b[i]!))
  }
  return d / m
}

beforeAll(async () => {
  await initBackend('wasm')
  model = buildWavenet(SHAPE)
})

describe('the window arithmetic', () => {
  it("a layer's reach is how far a one-sample change moves its activations", () => {
    const levels = muLawEncode(clips().content.subarray(0, 200))
    const changed = Int32Array.from(levels)
    const t0 = 100
    changed[t0] = (changed[t0]! + 77) % 256
    for (const ref of ['0', '1', '2', 'layer3_gated']) {
      const layer = resolveLayer(model, ref, 'test')
      const f = featureModel(model, [layer.name])
      const [a] = activations(f, 1000, null, oneHotRows(levels, 256), 0, 200)
      const [b] = activations(f, 1000, null, oneHotRows(changed, 256), 0, 200)
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a!, b!)), 1).arraySync() as number[])
      tf.dispose([a!, b!])
      const moved = diff.flatMap((d, t) => (d > 0 ? [t] : []))
      expect(moved[0]).toBe(t0)
      expect(moved.at(-1)).toBe(t0 + layer.reach - 1)
    }
  })

  it("a window's activations and stats equal the whole clip's", () => {
    const { content, style } = clips()
    const obj = buildObjective({ features: featureModel(model, ['layer2_residual', 'layer0_residual', 'layer1_residual']), reach: resolveLayer(model, '2', 'c').reach, quantization: 256, weights: { content: 1, style: 1 } }, muLawEncode(content), muLawEncode(style))
    const other = oneHotRows(muLawEncode(style), 256)
    const whole = stretchStats(obj, other, 0, 2500)
    const parts = [stretchStats(obj, other, 0, 1000), stretchStats(obj, other, 1000, 2500)]
    for (let i = 0; i < 2; i++) {
      const sum = tf.add(parts[0]!.grams[i]!, parts[1]!.grams[i]!)
      expect(relErr(sum.dataSync(), whole.grams[i]!.dataSync())).toBeLessThan(REL)
      sum.dispose()
    }
    expect(relErr([parts[0]!.contentSq.dataSync()[0]! + parts[1]!.contentSq.dataSync()[0]!], whole.contentSq.dataSync())).toBeLessThan(REL)
    // The content measured against itself has no content error.
    const self = clipStats(obj, oneHotRows(muLawEncode(content), 256))
    expect(self.contentSq.dataSync()[0]).toBe(0)
    ;[whole, ...parts, self].forEach(disposeStats)
    disposeObjective(obj)
  })
})

describe('stylizeWavenet', () => {
  // A style weight that makes the random model's small Gram error matter against its content term.
  const opts = { method: 'wavenet' as const, iterations: 20, wavenetBlock: 1000, styleWeight: 10 }

  it('lowers the loss, projects every block to one-hot and decodes valid mu-law audio, leaving no tensor', () => {
    const { content, style } = clips()
    const before = tf.memory().numTensors
    const out = stylizeWavenet(content, style, net(), opts)
    expect(tf.memory().numTensors).toBe(before)
    const w = out.report.wavenet!
    expect(w.loss.before.content).toBe(0)
    expect(w.loss.after.total).toBeLessThan(w.loss.before.total)
    expect(w.loss.after.style).toBeLessThan(w.loss.before.style)
    expect(w.blocks).toBe(3)
    expect(w.windowSamples).toBe(1000 + 2 * (w.reach - 1))
    expect(out.audio).toHaveLength(content.length)
    expect(out.audio.every((x) => Number.isFinite(x) && Math.abs(x) <= 1)).toBe(true)
    expect(out.sampleRate).toBe(RATE)
    expect(out.report).toMatchObject({ method: 'wavenet', optimizer: 'adam', iterations: 20, sampleRate: RATE })
    expect(out.report.styleDistance.output).toBeLessThan(out.report.styleDistance.content)
    // Something changed, and not everything: the content term holds it.
    const changed = out.audio.filter((x, i) => Math.abs(x - content[i]!) > 0.05).length / content.length
    expect(changed).toBeGreaterThan(0.01)
    expect(changed).toBeLessThan(0.99)
  })

  it('projects every block: the final relaxed input is one-hot at every sample, over several sweeps', () => {
    const { content, style } = clips()
    const levels = muLawEncode(content)
    const obj = buildObjective({ features: featureModel(model, ['layer2_residual', 'layer0_residual']), reach: 12, quantization: 256, weights: { content: 1, style: 10 } }, levels, muLawEncode(style))
    const settings: SweepSettings = { block: 700, steps: 4, sweeps: 2, optimizer: 'gradient', learningRate: 4, tau: 1, relaxation: 'straight-through', init: 'noise', seed: 3 }
    const seen: number[] = []
    const r = sweep(obj, levels, 256, settings, { onBlock: (done, total) => seen.push(done, total) })
    disposeObjective(obj)
    expect(r.minPeak).toBeGreaterThan(1 - 1e-6)
    expect(seen).toEqual([1, 10, 2, 10, 3, 10, 4, 10, 5, 10, 6, 10, 7, 10, 8, 10, 9, 10, 10, 10])
    expect(r.levels.every((l) => l >= 0 && l < 256)).toBe(true)
    // A block keeps the best projection it met, its start among them: the clip's loss never rises
    // (beyond the rounding of the running sums, which each sweep's whole measurement resets).
    r.blockLosses.forEach((l, i) => expect(l).toBeLessThanOrEqual((i === 0 ? r.before.total : r.blockLosses[i - 1]!) * (1 + REL)))
    expect(r.after.total).toBeCloseTo(r.blockLosses.at(-1)!, 4)
  })

  it('is deterministic for a seed, and another seed from noise gives another output', () => {
    const { content, style } = clips()
    const noise = { ...opts, init: 'noise' as const, iterations: 3 }
    const a = stylizeWavenet(content, style, net(), { ...noise, seed: 5 }).audio
    const b = stylizeWavenet(content, style, net(), { ...noise, seed: 5 }).audio
    const c = stylizeWavenet(content, style, net(), { ...noise, seed: 6 }).audio
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true)
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false)
  })

  it('stops at once when cancelled, leaving no tensor', () => {
    const { content, style } = clips()
    const before = tf.memory().numTensors
    const ctl = new AbortController()
    let blocks = 0
    const run = () =>
      stylizeWavenet(content, style, net(), opts, {
        signal: ctl.signal,
        onProgress: (p) => {
          if (p.phase.startsWith('sweep') && ++blocks === 1) ctl.abort()
        }
      })
    expect(run).toThrow(/cancelled/)
    expect(blocks).toBe(1)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('refuses in one line: an embedding input, local or dense-vector conditioning, layers out of range, an untrained speaker, bad options', () => {
    const { content, style } = clips()
    const refused = (n: StyleWavenet, o: object, message: RegExp): void => {
      const before = tf.memory().numTensors
      expect(() => stylizeWavenet(content, style, n, { ...opts, ...o })).toThrow(UserError)
      expect(() => stylizeWavenet(content, style, n, { ...opts, ...o })).toThrow(message)
      expect(tf.memory().numTensors).toBe(before)
    }
    const embedding = buildWavenet({ ...SHAPE, input: 'embedding' })
    const local = buildWavenet({ ...SHAPE, localChannels: 4, localHop: 100 })
    const speakers = buildWavenet({ ...SHAPE, globalChannels: 2 })
    refused(net(embedding), {}, /model 7: takes mu-law level indices through an embedding, not a one-hot input/)
    refused(net(local), {}, /model 7: takes local conditioning/)
    // Global input but no speakers: a tags or GloVe vector model.
    refused(net(speakers), {}, /model 7: conditioned on a dense vector \(tags or GloVe\), which the wavenet style method does not give/)
    refused(net(), { contentLayers: ['3'] }, /content layer 3: out of range \(the model's residual layers are 0\.\.2\)/)
    refused(net(), { styleLayers: ['0', 'layer9_gated'] }, /style layer "layer9_gated": not a per-layer activation/)
    refused(net(), { contentLayers: ['1', '2'] }, /reads one content layer/)
    refused(net(speakers, ['p225', 'p226']), { speaker: 'p999' }, /speaker p999: the model was not trained with it \(its speakers: p225, p226\)/)
    refused(net(), { speaker: 'p225' }, /trained without speaker conditioning/)
    refused(net(), { wavenetBlock: 0 }, /wavenet block: 0 is not an integer in 1\.\.65536/)
    refused(net(), { filters: 64 }, /filters: not an option of the wavenet method/)
    refused(net(), { styleWeight: 0 }, /style weight: must be > 0/)
    const long = new Float32Array(WAVENET_STYLE_MAX_SAMPLES + 1).fill(0.1)
    expect(() => stylizeWavenet(long, style, net(), opts)).toThrow(/content: 16\.4 s at 8000 Hz is longer than the wavenet method takes \(16\.4 s/)
    ;[embedding, local, speakers].forEach((m) => m.dispose())
  })

  it('conditions on the speaker asked for: another speaker gives another output', () => {
    const { content, style } = clips()
    const m = buildWavenet({ ...SHAPE, globalChannels: 2 })
    const a = stylizeWavenet(content, style, net(m, ['p225', 'p226']), { ...opts, iterations: 12, init: 'noise' })
    const b = stylizeWavenet(content, style, net(m, ['p225', 'p226']), { ...opts, iterations: 12, init: 'noise', speaker: 'p226' })
    m.dispose()
    expect(a.report.wavenet!.speaker).toBe('p225')
    expect(b.report.wavenet!.speaker).toBe('p226')
    expect(Buffer.from(a.audio.buffer).equals(Buffer.from(b.audio.buffer))).toBe(false)
  })
})
