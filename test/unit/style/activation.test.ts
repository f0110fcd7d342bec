/**
 * The tagger methods on a small trained Dieleman tagger (2048-sample windows, three tags learnt in
 * a second on synthetic clips): activation style transfer and fooling lower their losses, keep
 * tf.memory() flat, and give finite audio of the content's length.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { defaultActivationLayers, type TaggerNet } from '../../../src-main/engine/style/activation-net'
import { foolTagger, tagIndex } from '../../../src-main/engine/style/activation-fool'
import { stylize, type StyleTagger } from '../../../src-main/engine/style/stylize'
import { buildSampleCnn, sampleCnnInputLength } from '../../../src-main/engine/models/samplecnn'
import { buildSmallTagger, tone, noise } from './tagger-helpers'

let net: StyleTagger
beforeAll(async () => {
  await initBackend('wasm')
  net = await buildSmallTagger()
})
afterAll(() => net.model.dispose())

describe('activation style', () => {
  it('reads the last block before flatten for content and the first two conv layers for style', () => {
    expect(defaultActivationLayers(net.model)).toEqual({ content: ['block2_pool'], style: ['frames', 'block1_conv'] })
  })

  it('lowers its loss, keeps tensors flat, and returns finite audio of the content length', () => {
    const content = tone(20000, 300, 0.4) // two segments of 8 windows of 2048 samples
    const style = noise(6000, 3, 0.3)
    const losses: number[] = []
    const before = tf.memory().numTensors
    const out = stylize(content, style, { method: 'activation', iterations: 6 }, { onProgress: (p) => p.loss !== undefined && losses.push(p.loss) }, 'wasm', net)
    expect(tf.memory().numTensors).toBe(before)
    expect(out.audio.length).toBe(content.length)
    expect(out.audio.every(Number.isFinite)).toBe(true)
    expect(losses.length).toBe(12)
    expect(losses[5]!).toBeLessThan(losses[0]!)
    const r = out.report
    expect(r.method).toBe('activation')
    expect(r.optimizer).toBe('lbfgs')
    expect(r.sampleRate).toBe(16000)
    expect(r.tagger).toMatchObject({ contentLayers: ['block2_pool'], styleLayers: ['frames', 'block1_conv'] })
    expect(r.spectralFlatness!.content).toBeLessThan(0.05)
    expect(r.spectralFlatness!.style).toBeGreaterThan(0.4)
    for (const v of [r.spectralFlatness!.output, r.styleDistance.output, r.contentDistance, r.finalLoss]) expect(Number.isFinite(v)).toBe(true)
  })

  it('runs on the sample-level CNN too: its post-ReLU layers for style, the last pool for content; fooling through dropout', () => {
    const model = buildSampleCnn({ blocks: 4, width: 0.05, tags: 3, seed: 1 })
    const cnn: StyleTagger = { model, crop: sampleCnnInputLength(4), sampleRate: 16000, tags: ['a', 'b', 'c'], modelId: 2, checkpointId: 2, arch: 'samplecnn' }
    const before = tf.memory().numTensors
    const out = stylize(tone(3000, 400, 0.4), noise(3000, 2, 0.3), { method: 'activation', iterations: 2 }, {}, 'wasm', cnn)
    expect(tf.memory().numTensors).toBe(before)
    expect(out.report.tagger).toMatchObject({ contentLayers: ['block4_pool'], styleLayers: ['frames_relu', 'block1_relu'] })
    expect(out.audio.every(Number.isFinite)).toBe(true)
    // Fooling reads its logits through the dropout layer (inference: identity) and batch norm.
    const fooled = foolTagger(cnn, tone(3000, 400, 0.4), 1, 3)
    expect(fooled.after).toBeGreaterThan(fooled.before)
    model.dispose()
  })

  it('starts from noise on request and takes named layers', () => {
    const out = stylize(tone(4096, 500, 0.4), tone(4096, 2500, 0.4), { method: 'activation', iterations: 2, init: 'noise', contentLayers: ['block1_pool'], styleLayers: ['frames'] }, {}, 'wasm', net)
    expect(out.report.tagger).toMatchObject({ contentLayers: ['block1_pool'], styleLayers: ['frames'] })
    expect(out.audio.every(Number.isFinite)).toBe(true)
  })

  it('refuses a layer the model lacks (listing its layers) and a render without a tagger', () => {
    expect(() => stylize(tone(4096, 500, 0.4), tone(4096, 900, 0.4), { method: 'activation', styleLayers: ['conv9'] }, {}, 'wasm', net)).toThrow(
      /style layer "conv9": not in this model \(its layers: audio, frames, block1_conv/
    )
    expect(() => stylize(tone(4096, 500, 0.4), tone(4096, 900, 0.4), { method: 'activation' })).toThrow(/needs a trained tagger/)
  })

  it('stops on cancel', () => {
    const ctrl = new AbortController()
    const before = tf.memory().numTensors
    expect(() =>
      stylize(tone(4096, 500, 0.4), noise(4096, 1, 0.3), { method: 'activation', iterations: 50 }, { signal: ctrl.signal, onProgress: (p) => p.phase === 'optimise' && ctrl.abort() }, 'wasm', net)
    ).toThrow(/cancelled/)
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('fooling', () => {
  it('raises the chosen tag on a clip of another, inside [-1, 1], with tensors flat', () => {
    const clip = tone(10000, 300, 0.5)
    const before = tf.memory().numTensors
    const out = foolTagger(net, clip, tagIndex(net, 'noise'), 8)
    expect(tf.memory().numTensors).toBe(before)
    expect(out.audio.length).toBe(clip.length)
    expect(out.audio.every((v) => Number.isFinite(v) && Math.abs(v) < 1)).toBe(true)
    expect(out.before).toBeLessThan(0.5)
    expect(out.after).toBeGreaterThan(0.9)
    expect(out.losses.at(-1)!).toBeLessThan(out.losses[0]!)
  })

  it('names a few valid tags for an unknown one', () => {
    expect(() => tagIndex(net as TaggerNet, 'banjo')).toThrow('tag "banjo": not one of this model\'s 3 tags ("low", "high", "noise")')
  })
})



