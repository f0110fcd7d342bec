/**
 * Fast WaveNet generation (per-layer queues, plain loops over the weights) against naive
 * generation and one causal pass of the model: the same levels at temperature 0, sample for
 * sample, for one-hot and embedding inputs, global conditioning, and local conditioning upsampled by
 * repetition or a learned transposed conv; with the wasm SIMD step kernel (float32) and the JS one
 * (float64 sums).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { buildWavenet, type WavenetOptions } from '../../../src-main/engine/models/wavenet'
import { generateNaive, type NaiveGenerateOptions } from '../../../src-main/engine/generate/wavenet-naive'
import { compileWavenet, generateFast } from '../../../src-main/engine/generate/wavenet-fast'
import { normal } from './helpers'

const TINY: WavenetOptions = { quantization: 16, dilations: [1, 2, 4, 1, 2, 4], residualChannels: 4, dilationChannels: 4, skipChannels: 8, seed: 4 }
const PRIMER = [8, 3, 12]
const N = 40

beforeAll(async () => {
  await initBackend('wasm')
})

const cases: { label: string; opts: WavenetOptions; gen: (frames: number) => Partial<NaiveGenerateOptions> }[] = [
  { label: 'one-hot input', opts: TINY, gen: () => ({}) },
  { label: 'embedding input, filter width 3', opts: { ...TINY, input: 'embedding', filterWidth: 3, initialFilterWidth: 4 }, gen: () => ({}) },
  {
    label: 'global and local conditioning (repetition)',
    opts: { ...TINY, globalChannels: 2, localChannels: 3, localHop: 4 },
    gen: (frames) => ({ global: [[1, 0], [0.3, 0.8]], local: [normal([frames, 3], 30), normal([frames, 3], 31)] })
  },
  {
    label: 'local conditioning through a learned transposed conv',
    opts: { ...TINY, localChannels: 3, localHop: 4, localUpsampling: 'transposed' },
    gen: (frames) => ({ local: [normal([frames, 3], 40), normal([frames, 3], 41)] })
  }
]

describe('fast WaveNet generation', () => {
  cases.forEach(({ label, opts, gen }) => {
    it(`matches naive generation sample for sample at temperature 0, both kernels: ${label}`, () => {
      const m = buildWavenet(opts)
      const frames = Math.ceil((PRIMER.length + N) / 4)
      const common: NaiveGenerateOptions = { samples: N, batch: 2, temperature: 0, primer: PRIMER, ...gen(frames) }
      const naive = generateNaive(m, common)
      const net = compileWavenet(m)
      for (const kernel of ['wasm', 'js'] as const) {
        const before = tf.memory().numTensors
        const fast = generateFast(net, { ...common, kernel })
        expect(tf.memory().numTensors).toBe(before)
        expect(fast.levels.map((l) => [...l])).toEqual(naive.levels.map((l) => [...l]))
        expect(new Set(fast.levels[0]).size).toBeGreaterThan(1) // not a constant run that would hide a lag
      }
      m.dispose()
    })
  })

  it('draws the same levels as naive at temperature 1 with the same seed, and stops on request', () => {
    const m = buildWavenet(TINY)
    const opts: NaiveGenerateOptions = { samples: 24, temperature: 1, seed: 12, primer: PRIMER }
    expect([...generateFast(m, opts).levels[0]!]).toEqual([...generateNaive(m, opts).levels[0]!])
    let calls = 0
    const stopped = generateFast(m, { ...opts, shouldStop: () => calls++ >= 5 })
    expect(stopped.levels[0]).toHaveLength(5)
    expect(() => generateFast(m, { ...opts, temperature: -0.5 })).toThrow(/generate temperature: -0.5/)
    m.dispose()
  })
})
