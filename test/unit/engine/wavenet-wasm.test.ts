/**
 * The WebAssembly SIMD WaveNet step (wavenet-wasm.ts, simd/wavenet-step.c) against the JS kernel
 * (wavenet-kernel.ts) it replaces: the same next-level probabilities, step by step, on random small
 * models with widths that leave partial SIMD blocks and lanes, one-hot and embedding inputs, global
 * and local conditioning (repetition and learned transposed upsampling), batch 1 to 7; and its
 * instance pool: many generators reuse one instance and its memory.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/engine/backend'
import { buildWavenet, type WavenetOptions } from '../../../src-main/engine/models/wavenet'
import { compileWavenet, generateFast } from '../../../src-main/engine/generate/wavenet-fast'
import { planWavenet, WavenetBatch } from '../../../src-main/engine/generate/wavenet-kernel'
import { WasmWavenetBatch, wasmKernelPool, wasmSimdAvailable } from '../../../src-main/engine/generate/wavenet-wasm'
import { createRng } from '../../../src-main/util/random'
import { normal } from './helpers'

/**
 * The wasm kernel keeps state and sums in float32, the JS one in float64: over these few layers
 * the probabilities measured agree within ~1e-8; 2e-6 leaves room without hiding a wrong weight,
 * tap or lane (the probabilities here span 1e-3 and more: see the spread check).
 */
const PROB_TOL = 2e-6
const STEPS = 60

beforeAll(async () => {
  await initBackend('wasm')
})

/** Odd widths: residual 5, dilation 6, skip 12, 20 levels: partial 8-blocks, 4-lanes and softmax tails. */
const ODD: WavenetOptions = { quantization: 20, dilations: [1, 2, 4, 8, 1, 3], residualChannels: 5, dilationChannels: 6, skipChannels: 12, seed: 7 }

const cases: { label: string; opts: WavenetOptions; batch: number; cond: (frames: number, batch: number) => { global?: number[][]; local?: Float32Array[] } }[] = [
  { label: 'one-hot input, batch 1', opts: ODD, batch: 1, cond: () => ({}) },
  {
    label: 'local conditioning through a learned transposed conv, batch 1',
    opts: { ...ODD, localChannels: 3, localHop: 4, localUpsampling: 'transposed' },
    batch: 1,
    cond: (frames) => ({ local: [normal([frames, 3], 72)] })
  },
  { label: 'embedding input, filter width 3, batch 3', opts: { ...ODD, input: 'embedding', filterWidth: 3, initialFilterWidth: 4 }, batch: 3, cond: () => ({}) },
  { label: 'batch 7 (streams in fours, a pair, one left)', opts: ODD, batch: 7, cond: () => ({}) },
  { label: 'target-like widths (32/32/128, 256 levels), batch 2', opts: { dilations: [1, 2, 4, 8, 16], seed: 3 }, batch: 2, cond: () => ({}) },
  {
    label: 'global and local conditioning (repetition), batch 3',
    opts: { ...ODD, globalChannels: 3, localChannels: 7, localHop: 5 },
    batch: 3,
    cond: (frames, batch) => ({
      global: Array.from({ length: batch }, (_, s) => [...normal([3], 50 + s)]),
      local: Array.from({ length: batch }, (_, s) => normal([frames, 7], 60 + s))
    })
  },
  {
    label: 'local conditioning through a learned transposed conv, batch 2',
    opts: { ...ODD, localChannels: 9, localHop: 4, localUpsampling: 'transposed' },
    batch: 2,
    cond: (frames) => ({ local: [normal([frames, 9], 70), normal([frames, 9], 71)] })
  }
]

describe('wasm SIMD WaveNet step', () => {
  it('is available on this runtime (Node 20 has WebAssembly SIMD)', () => {
    expect(wasmSimdAvailable()).toBe(true)
  })

  cases.forEach(({ label, opts, batch, cond }) => {
    it(`gives the JS kernel's probabilities step by step: ${label}`, () => {
      const m = buildWavenet(opts)
      const plan = planWavenet(compileWavenet(m))
      m.dispose()
      const { global, local } = cond(Math.ceil(STEPS / (opts.localHop ?? 1)) + 1, batch)
      const js = new WavenetBatch(plan, batch, global, local)
      const wasm = new WasmWavenetBatch(plan, batch, global, local)
      const q = plan.net.sig.quantization
      const rng = createRng(9)
      let worst = 0
      let lo = Infinity
      let hi = -Infinity
      for (let t = 0; t < STEPS; t++) {
        const levels = Array.from({ length: batch }, () => Math.floor(rng.uniform() * q))
        js.step(levels)
        wasm.step(levels)
        for (let i = 0; i < js.probs.length; i++) {
          worst = Math.max(worst, Math.abs(js.probs[i]! - wasm.probs[i]!))
          lo = Math.min(lo, js.probs[i]!)
          hi = Math.max(hi, js.probs[i]!)
        }
      }
      wasm.dispose()
      expect(worst).toBeLessThan(PROB_TOL)
      expect(hi - lo).toBeGreaterThan(100 * PROB_TOL) // the distributions move: a wrong term would show
    })
  })

  it('reuses one pooled instance and its memory across many generators, and refuses a step after dispose', () => {
    const m = buildWavenet(ODD)
    const net = compileWavenet(m)
    m.dispose()
    const opts = { samples: 30, batch: 2, temperature: 1, seed: 1, kernel: 'wasm' as const }
    generateFast(net, opts)
    const first = wasmKernelPool()
    expect(first.idle).toBe(1) // generators so far ran one at a time
    for (let i = 0; i < 40; i++) generateFast(net, { ...opts, seed: i })
    let calls = 0
    generateFast(net, { ...opts, shouldStop: () => calls++ >= 3 }) // stopped early: still given back
    expect(wasmKernelPool()).toEqual(first)
    const plan = planWavenet(net)
    const a = new WasmWavenetBatch(plan, 1, undefined, undefined)
    const b = new WasmWavenetBatch(plan, 1, undefined, undefined) // a second at once: its own instance
    expect(wasmKernelPool().idle).toBe(first.idle - 1)
    a.dispose()
    b.dispose()
    expect(() => a.step([0])).toThrow(/after dispose/)
    expect(wasmKernelPool().instantiated).toBe(first.instantiated + 1)
  })

  it('generates the same levels with either kernel at temperature 0 and with the same seed at temperature 1', () => {
    const m = buildWavenet({ ...ODD, globalChannels: 2 })
    const net = compileWavenet(m)
    m.dispose()
    for (const temperature of [0, 1]) {
      const opts = { samples: 80, batch: 2, temperature, seed: 5, global: [[1, 0], [0.2, -0.7]] }
      const wasm = generateFast(net, { ...opts, kernel: 'wasm' })
      const js = generateFast(net, { ...opts, kernel: 'js' })
      expect(wasm.levels.map((l) => [...l])).toEqual(js.levels.map((l) => [...l]))
      if (temperature > 0) expect(new Set(wasm.levels[0]).size).toBeGreaterThan(1)
    }
  })
})
