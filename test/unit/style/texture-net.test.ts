import { tf } from '../../../src-main/engine/tf'
import { beforeAll, describe, expect, it } from 'vitest'
import { gramLossAndGrad } from '../../../src-main/engine/style/gram'
import { GramAccumulator } from '../../../src-main/engine/style/gram-accumulator'
import {
  activations,
  createTextureNet,
  disposeStyleTarget,
  featureStyleTarget,
  gramStyleTarget,
  fold,
  foldComposed,
  foldOnHost,
  textureLossAndGrad,
  unfold,
  type DirectTextureNet,
  type TextureNet,
  type StyleTarget
} from '../../../src-main/engine/style/texture-net'
import { chooseStyleRoute } from '../../../src-main/engine/style/texture'
import { createRng } from '../../../src-main/util/random'

/** Float32 sums over a few thousand terms: relative agreement to 1e-3 is what single precision allows. */
const TOL = 1e-3

function randomMatrix(rows: number, cols: number, seed: number, scale = 1): tf.Tensor2D {
  const rng = createRng(seed)
  const v = new Float32Array(rows * cols)
  for (let i = 0; i < v.length; i++) v[i] = rng.normal() * scale
  return tf.tensor2d(v, [rows, cols])
}

function relErr(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.norm(tf.sub(a, b)).dataSync()[0]! / (tf.norm(b).dataSync()[0]! + 1e-12))
}

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('texture network', () => {
  it('unfold + matMul equals tf.conv1d with the same filters', () => {
    const net = createTextureNet(9, 6, 3, 1)
    const x = randomMatrix(12, 9, 2)
    const ours = activations(net, x)
    const ref = tf.tidy(() => tf.squeeze(tf.relu(tf.conv1d(tf.expandDims(x, 0) as tf.Tensor3D, tf.reshape((net as DirectTextureNet).w, [3, 9, 6]) as tf.Tensor3D, 1, 'valid')), [0]))
    expect(ours.shape).toEqual([10, 6])
    expect(relErr(ours, ref)).toBeLessThan(TOL)
    tf.dispose([ours, ref, x])
    net.dispose()
  })

  it('fold is the adjoint of unfold', () => {
    const x = randomMatrix(10, 4, 3)
    const d = randomMatrix(8, 12, 4)
    const lhs = tf.tidy(() => tf.sum(tf.mul(unfold(x, 3), d)).dataSync()[0]!)
    const rhs = tf.tidy(() => tf.sum(tf.mul(x, fold(d, 3, 4))).dataSync()[0]!)
    expect(Math.abs(lhs - rhs) / Math.abs(rhs)).toBeLessThan(TOL)
    // The host loop (wasm, cpu) and the composed ops (GPU backends) agree.
    const host = foldOnHost(d, 3, 4)
    const composed = foldComposed(d, 3, 4)
    expect(host.shape).toEqual([10, 4])
    expect(relErr(host, composed)).toBeLessThan(1e-6)
    tf.dispose([host, composed])
    tf.dispose([x, d])
  })

  it('hand-written gradient matches autodiff, with and without the content term, by Gram and by kernel trick', () => {
    // 5 filters, 9 content rows: the Gram route forms G.
    expectMatchesAutodiff(5, 14, 5, (gram, acts) => [gramStyleTarget(tf.clone(gram)), featureStyleTarget(acts())])
  })

  it('the Gram route without forming G (content window under half the filters) gives the same loss and gradient', () => {
    // 24 filters, 9 content rows: 2 T' < N, so textureLossAndGrad takes the T' x T' form.
    expectMatchesAutodiff(24, 30, 17, (gram) => [gramStyleTarget(tf.clone(gram))])
  })

  it('chooses the kernel-trick route only when it is cheaper and the style is short', () => {
    expect(chooseStyleRoute(420, 420, 4096)).toBe('features')
    expect(chooseStyleRoute(420, 861, 1024)).toBe('gram')
    // A 10-minute style at 4096 filters would keep 100 M floats: the Gram it is.
    expect(chooseStyleRoute(25830, 420, 4096)).toBe('gram')
  })

  it('gram baseline gradient matches autodiff', () => {
    const frames = 6
    const bins = 5
    const x = randomMatrix(2 * frames, bins, 9)
    const target = randomMatrix(2 * frames, bins, 10)
    const styleGram = tf.tidy(() => {
      const s = randomMatrix(9, bins, 11)
      return tf.div(tf.matMul(s, s, true, false), 9) as tf.Tensor2D
    })
    const { loss, grad } = gramLossAndGrad(x, target, styleGram, 10, 10)
    const refLoss = (v: tf.Tensor2D): tf.Scalar => {
      const mag = tf.slice(v, [0, 0], [frames, bins])
      const g = tf.div(tf.matMul(mag, mag, true, false), frames)
      const content = tf.mul(10, tf.mean(tf.square(tf.sub(v, target))))
      return tf.add(content, tf.mul(10, tf.mean(tf.square(tf.sub(g, styleGram))))) as tf.Scalar
    }
    const refGrad = tf.grad((v) => refLoss(v as tf.Tensor2D))(x)
    const refValue = tf.tidy(() => refLoss(x).dataSync()[0]!)
    expect(Math.abs(loss.dataSync()[0]! - refValue) / refValue).toBeLessThan(TOL)
    expect(relErr(grad, refGrad)).toBeLessThan(TOL)
    tf.dispose([x, target, styleGram, loss, grad, refGrad])
  })

  it('the chunked style Gram equals the whole-clip Gram', () => {
    const net = createTextureNet(6, 4, 3, 12)
    const frames = randomMatrix(37, 6, 13)
    const data = frames.dataSync() as Float32Array
    const whole = tf.tidy(() => {
      const a = activations(net, frames)
      return tf.div(tf.matMul(a, a, true, false), a.shape[0])
    })
    for (const chunk of [1, 2, 5, 36]) {
      const acc = new GramAccumulator((f) => activations(net, f), 2)
      for (let t0 = 0; t0 < 37; t0 += chunk) {
        const rows = Math.min(chunk, 37 - t0)
        acc.add({ data: data.slice(t0 * 6, (t0 + rows) * 6), frames: rows, bins: 6 })
      }
      expect(acc.rows).toBe(35)
      const g = acc.result()
      expect(relErr(g, whole)).toBeLessThan(TOL)
      g.dispose()
      acc.dispose()
      // The same stream kept as feature rows (the kernel-trick route) gives the same rows and Gram.
      const keep = new GramAccumulator((f) => activations(net, f), 2, 'features')
      for (let t0 = 0; t0 < 37; t0 += chunk) {
        const rows = Math.min(chunk, 37 - t0)
        keep.add({ data: data.slice(t0 * 6, (t0 + rows) * 6), frames: rows, bins: 6 })
      }
      const kept = keep.featureRows()
      expect(kept.shape).toEqual([35, 4])
      const g2 = keep.result()
      expect(relErr(g2, whole)).toBeLessThan(TOL)
      tf.dispose([kept, g2])
      keep.dispose()
    }
    tf.dispose([frames, whole])
    net.dispose()
  })

  it('the Fourier net gives the direct net\'s activations, loss and gradient', () => {
    // 11 taps as at the defaults; 50 frames = 40 outputs: one full block of 22 and a partial one.
    const fourier = createTextureNet(20, 16, 11, 21, [0, 16], 'fourier')
    const direct = createTextureNet(20, 16, 11, 21, [0, 16], 'direct')
    expect([fourier.conv, direct.conv]).toEqual(['fourier', 'direct'])
    const x = randomMatrix(50, 20, 22)
    const ours = activations(fourier, x)
    const ref = activations(direct, x)
    expect(ours.shape).toEqual([40, 16])
    expect(relErr(ours, ref)).toBeLessThan(1e-5)
    const style = featureStyleTarget(activations(direct, randomMatrix(30, 20, 23)))
    const content = activations(direct, randomMatrix(50, 20, 24))
    const targets = { style, contentActs: content, alpha: 0.3 }
    const a = textureLossAndGrad(fourier, targets, x)
    const b = textureLossAndGrad(direct, targets, x)
    expect(Math.abs(a.loss.dataSync()[0]! - b.loss.dataSync()[0]!) / b.loss.dataSync()[0]!).toBeLessThan(1e-5)
    expect(relErr(a.grad, b.grad)).toBeLessThan(1e-5)
    tf.dispose([ours, ref, x, content, a.loss, a.grad, b.loss, b.grad])
    disposeStyleTarget(style)
    fourier.dispose()
    direct.dispose()
  })

  it('uses the Fourier form at the method\'s default sizes and the direct one for small banks', () => {
    const small = createTextureNet(9, 6, 3, 1)
    expect(small.conv).toBe('direct')
    small.dispose()
    const wide = createTextureNet(1025, 64, 11, 1)
    expect(wide.conv).toBe('fourier')
    wide.dispose()
  })

  it('leaves no tensors behind', () => {
    // 4 filters: the Gram route forms G; 24 filters: it takes the T' x T' form (2 T' < N).
    for (const filters of [4, 24]) {
      for (const conv of ['direct', 'fourier'] as const) leakCheck(createTextureNet(6, filters, 3, 14, [0, filters], conv))
    }
  })
})

/**
 * textureLossAndGrad on 7-bin frames (11 content rows) for each style target `routes` builds from
 * the style's Gram and activations, with and without the content term, against autodiff of the
 * explicit Gram loss computed with tf.conv1d on the net's own filter bank.
 */
function expectMatchesAutodiff(
  filters: number,
  styleRows: number,
  seed: number,
  routes: (styleGram: tf.Tensor2D, styleActs: () => tf.Tensor2D) => StyleTarget[]
): void {
  const net = createTextureNet(7, filters, 3, seed) as DirectTextureNet
  const style = randomMatrix(styleRows, 7, seed + 1)
  const content = randomMatrix(11, 7, seed + 2)
  const styleGram = tf.tidy(() => {
    const a = activations(net, style)
    return tf.div(tf.matMul(a, a, true, false), a.shape[0]) as tf.Tensor2D
  })
  const contentActs = activations(net, content)
  const x = randomMatrix(11, 7, seed + 3)
  const targets = routes(styleGram, () => activations(net, style))
  for (const [route, alpha] of targets.flatMap((r) => [0, 0.3].map((a) => [r, a] as const))) {
    const { loss, grad } = textureLossAndGrad(net, { style: route, contentActs: alpha > 0 ? contentActs : null, alpha }, x)
    const refLoss = (v: tf.Tensor2D): tf.Scalar => {
      const a = tf.squeeze(tf.relu(tf.conv1d(tf.expandDims(v, 0) as tf.Tensor3D, tf.reshape(net.w, [3, 7, filters]) as tf.Tensor3D, 1, 'valid')), [0]) as tf.Tensor2D
      const g = tf.div(tf.matMul(a, a, true, false), a.shape[0])
      const styleLoss = tf.mul(2, tf.sum(tf.square(tf.sub(g, styleGram))))
      return (alpha > 0 ? tf.add(styleLoss, tf.mul(2 * alpha, tf.sum(tf.square(tf.sub(a, contentActs))))) : styleLoss) as tf.Scalar
    }
    const refGrad = tf.grad((v) => refLoss(v as tf.Tensor2D))(x)
    const refValue = tf.tidy(() => refLoss(x).dataSync()[0]!)
    expect(Math.abs(loss.dataSync()[0]! - refValue) / refValue, `${route.kind}, alpha ${alpha}`).toBeLessThan(TOL)
    expect(relErr(grad, refGrad), `${route.kind}, alpha ${alpha}`).toBeLessThan(TOL)
    tf.dispose([loss, grad, refGrad])
  }
  for (const r of targets) disposeStyleTarget(r)
  tf.dispose([style, content, styleGram, contentActs, x])
  net.dispose()
}

/** 20 loss evaluations on both style routes leave the tensor count unchanged; disposes the net. */
function leakCheck(net: TextureNet): void {
  const x = randomMatrix(10, 6, 15)
  const gram = gramStyleTarget(tf.eye(net.filters) as tf.Tensor2D)
  const features = featureStyleTarget(randomMatrix(9, net.filters, 16))
  const before = tf.memory().numTensors
  for (let i = 0; i < 20; i++) {
    for (const style of [gram, features]) {
      const { loss, grad } = textureLossAndGrad(net, { style, contentActs: null, alpha: 0 }, x)
      tf.dispose([loss, grad])
    }
  }
  expect(tf.memory().numTensors).toBe(before)
  disposeStyleTarget(features)
  disposeStyleTarget(gram)
  x.dispose()
  net.dispose()
}
