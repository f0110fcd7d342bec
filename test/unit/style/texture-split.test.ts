import { tf } from '../../../src-main/engine/tf'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/engine/backend'
import { CTRL, ctrlSlots, shardColumns } from '../../../src-main/engine/style/split-protocol'
import { activations, createTextureNet, featureStyleTarget, textureLossAndGrad, type DirectTextureNet } from '../../../src-main/engine/style/texture-net'
import { shouldSplit } from '../../../src-main/engine/style/texture'
import { SplitTexture } from '../../../src-main/engine/style/texture-split'
import { createRng } from '../../../src-main/util/random'

/** Float32 sums in a different order (per shard, then across shards): 1e-4 relative is ample. */
const TOL = 1e-4

const F = 33
const K = 5
const TS = 40
const T = 30

function positive(n: number, seed: number): Float32Array {
  const rng = createRng(seed)
  return Float32Array.from({ length: n }, () => Math.abs(rng.normal()))
}

function relErr(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.norm(tf.sub(a, b)).dataSync()[0]! / (tf.norm(b).dataSync()[0]! + 1e-12))
}

const style = positive(TS * F, 1)
const content = positive(T * F, 2)
const xs = [positive(T * F, 3), positive(T * F, 4)]

/** The single-thread loss and gradient of the whole bank, the reference. */
function reference(filters: number, alpha: number, x: Float32Array): { loss: number; grad: tf.Tensor2D } {
  const net = createTextureNet(F, filters, K, 9)
  const target = featureStyleTarget(tf.tidy(() => activations(net, tf.tensor2d(style, [TS, F]))))
  const contentActs = tf.tidy(() => activations(net, tf.tensor2d(content, [T, F])))
  const xt = tf.tensor2d(x, [T, F])
  const r = textureLossAndGrad(net, { style: target, contentActs, alpha }, xt)
  const loss = r.loss.dataSync()[0]!
  tf.dispose([target.acts, target.actsT, contentActs, xt, r.loss])
  net.dispose()
  return { loss, grad: r.grad }
}

beforeAll(async () => {
  await initBackend('cpu')
})

describe('filter bank split across threads', () => {
  it('shards cover the bank exactly, as evenly as possible', () => {
    expect([0, 1, 2].map((h) => shardColumns(10, 3, h))).toEqual([
      [0, 4],
      [4, 7],
      [7, 10]
    ])
    expect(shardColumns(4096, 2, 1)).toEqual([2048, 4096])
  })

  it('control slots of every helper stay apart for any thread count the options allow', () => {
    for (const shards of [2, 4, 16, 17, 64]) {
      const s = ctrlSlots(shards)
      const used: number[] = [...Object.values(CTRL)]
      for (let h = 1; h < shards; h++) used.push(s.done + h, s.status + h, s.errorLength + h)
      expect(new Set(used).size).toBe(used.length)
      expect(Math.max(...used)).toBeLessThan(s.size)
    }
  })

  it('a shard holds exactly its columns of the seeded bank', () => {
    const whole = createTextureNet(F, 12, K, 5)
    const part = createTextureNet(F, 12, K, 5, [4, 9])
    const slice = tf.slice((whole as DirectTextureNet).w, [0, 4], [-1, 5])
    expect(part.filters).toBe(5)
    expect(relErr((part as DirectTextureNet).w, slice)).toBe(0)
    tf.dispose(slice)
    whole.dispose()
    part.dispose()
    expect(() => createTextureNet(F, 12, K, 5, [9, 4])).toThrow('filter columns [9, 4) are not inside 0..12')
  })

  for (const threads of [2, 3]) {
    it(`${threads} threads give the single-thread loss and gradient, with and without content, and leak nothing`, () => {
      const before = tf.memory().numTensors
      const split = SplitTexture.open({
        threads,
        bins: F,
        filters: 16,
        kernel: K,
        seed: 9,
        backend: 'cpu',
        styleFrames: style,
        styleFrameCount: TS,
        maxRows: T
      })
      try {
        expect(split.threads).toBe(threads)
        for (const alpha of [0, 0.3]) {
          split.setContent(content, T, alpha)
          for (const x of xs) {
            const ref = reference(16, alpha, x)
            const xt = tf.tensor2d(x, [T, F])
            const ours = split.lossAndGrad(xt)
            expect(Math.abs(ours.loss.dataSync()[0]! - ref.loss) / ref.loss).toBeLessThan(TOL)
            expect(relErr(ours.grad, ref.grad)).toBeLessThan(TOL)
            tf.dispose([xt, ours.loss, ours.grad, ref.grad])
          }
        }
      } finally {
        split.dispose()
      }
      expect(tf.memory().numTensors).toBe(before)
    })
  }

  it('same inputs give bit-identical results (sums in a fixed order)', () => {
    const run = (): number[] => {
      const split = SplitTexture.open({ threads: 2, bins: F, filters: 16, kernel: K, seed: 9, backend: 'cpu', styleFrames: style, styleFrameCount: TS, maxRows: T })
      try {
        split.setContent(content, T, 0.1)
        const xt = tf.tensor2d(xs[0]!, [T, F])
        const r = split.lossAndGrad(xt)
        const out = [r.loss.dataSync()[0]!, ...r.grad.dataSync()]
        tf.dispose([xt, r.loss, r.grad])
        return out
      } finally {
        split.dispose()
      }
    }
    expect(run()).toEqual(run())
  })

  it('a helper that cannot start fails the open with its reason, and nothing hangs', () => {
    expect(() =>
      SplitTexture.open({ threads: 2, bins: F, filters: 16, kernel: K, seed: 9, backend: 'bogus', styleFrames: style, styleFrameCount: TS, maxRows: T })
    ).toThrow(/^texture helper 1: unknown backend "bogus"/)
  })

  it('rejects content longer than it was laid out for', () => {
    const split = SplitTexture.open({ threads: 2, bins: F, filters: 8, kernel: K, seed: 9, backend: 'cpu', styleFrames: style, styleFrameCount: TS, maxRows: T })
    try {
      expect(() => split.setContent(positive((T + 1) * F, 5), T + 1, 0)).toThrow('texture split: 31 content frames, at most 30')
    } finally {
      split.dispose()
    }
  })

  it('splits only on the single-core backends and the kernel-trick route', () => {
    expect(shouldSplit('features', 2, 'wasm')).toBe(true)
    expect(shouldSplit('features', 2, 'cpu')).toBe(true)
    expect(shouldSplit('features', 1, 'wasm')).toBe(false)
    expect(shouldSplit('gram', 2, 'wasm')).toBe(false)
    expect(shouldSplit('features', 2, 'tensorflow')).toBe(false)
  })
})

