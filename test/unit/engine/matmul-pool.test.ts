/**
 * Our wasm BatchMatMul / _FusedMatMul (transposes made explicit, batches split onto the fast GEMM)
 * and the pooling gradients, against the cpu backend.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { batchMatMulConfig } from '../../../src-main/engine/kernels/batch-matmul'
import { avgPool1d, maxPool1d } from '../../../src-main/engine/ops/pool1d'
import { expectSameOnWasmAndCpu, normal } from './helpers'

beforeAll(async () => {
  await initBackend('wasm')
})

const t = (shape: number[], seed: number): tf.Tensor => tf.tensor(normal(shape, seed), shape)

/**
 * a, b shapes as stored (already transposed where the flag says so). Broadcast cases compare the
 * forward only: tfjs-core's BatchMatMul gradient does not reduce broadcast batches on any backend.
 */
const matMulCases: { a: number[]; b: number[]; ta: boolean; tb: boolean; broadcast?: true }[] = [
  { a: [7, 5], b: [5, 9], ta: false, tb: false },
  { a: [5, 7], b: [5, 9], ta: true, tb: false },
  { a: [7, 5], b: [9, 5], ta: false, tb: true },
  { a: [5, 7], b: [9, 5], ta: true, tb: true },
  { a: [3, 40, 33], b: [3, 33, 41], ta: false, tb: false }, // batch, big enough for one GEMM per item
  { a: [3, 33, 40], b: [3, 41, 33], ta: true, tb: true },
  { a: [4, 6, 5], b: [4, 5, 3], ta: false, tb: false }, // batch of small items: stock path
  { a: [2, 3, 6, 5], b: [5, 4], ta: false, tb: false, broadcast: true }, // shared b
  { a: [2, 3, 6, 5], b: [4, 5], ta: false, tb: true, broadcast: true }, // shared b, transposed
  { a: [6, 5], b: [3, 6, 4], ta: true, tb: false, broadcast: true }, // shared a
  { a: [1, 5, 6], b: [3, 4, 5], ta: true, tb: true, broadcast: true } // shared a, explicit batch 1
]

describe('matMul on wasm matches cpu', () => {
  it('has our BatchMatMul registered for wasm', () => {
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).toBe(batchMatMulConfig.kernelFunc)
  })
  matMulCases.forEach((c, i) => {
    it(`a ${c.a} b ${c.b} transposeA ${c.ta} transposeB ${c.tb}${c.broadcast ? '' : ', with gradients'}`, async () => {
      const compute = (): tf.Tensor[] => {
        const a = t(c.a, 10 * i + 1)
        const b = t(c.b, 10 * i + 2)
        const y = tf.matMul(a, b, c.ta, c.tb)
        if (c.broadcast) return [y]
        const r = t(y.shape, 10 * i + 3)
        const [da, db] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p, q, c.ta, c.tb), r)))([a, b])
        return [y, da!, db!]
      }
      await expectSameOnWasmAndCpu(compute, `matMul case ${i}`)
    })
  })

  it('fused matMul with transposes, bias and relu', async () => {
    const compute = (): tf.Tensor[] => [
      tf.fused.matMul({ a: t([6, 4], 1), b: t([5, 6], 2), transposeA: true, transposeB: true, bias: t([5], 3), activation: 'relu' })
    ]
    await expectSameOnWasmAndCpu(compute, 'fused matMul')
  })
})

describe('identity on wasm', () => {
  it('shares the buffer, and the clone outlives its source', async () => {
    await tf.setBackend('wasm')
    const a = tf.tensor([1, 2, 3])
    const buffers = tf.memory().numDataBuffers
    const b = tf.clone(a)
    expect(tf.memory().numDataBuffers).toBe(buffers)
    a.dispose()
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3])
    b.dispose()
    expect(tf.memory().numDataBuffers).toBe(buffers - 1)
  })
})

describe('pooling gradients on wasm match cpu', () => {
  const poolCases: { x: [number, number, number]; size: number; stride: number; padding: 'valid' | 'same' }[] = [
    { x: [2, 16, 3], size: 4, stride: 4, padding: 'valid' },
    { x: [3, 17, 2], size: 3, stride: 2, padding: 'same' },
    { x: [1, 10, 5], size: 2, stride: 1, padding: 'valid' }
  ]
  poolCases.forEach((c, i) => {
    for (const kind of ['max', 'avg'] as const) {
      it(`${kind}Pool1d x ${c.x} size ${c.size} stride ${c.stride} ${c.padding}`, async () => {
        const pool = kind === 'max' ? maxPool1d : avgPool1d
        const compute = (): tf.Tensor[] => {
          const x = t(c.x, 50 + i) as tf.Tensor3D
          const y = pool(x, c.size, c.stride, c.padding)
          const r = t(y.shape, 60 + i)
          const dx = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(pool(p as tf.Tensor3D, c.size, c.stride, c.padding), r)))(x)
          return [y, dx]
        }
        await expectSameOnWasmAndCpu(compute, `${kind} pool case ${i}`)
      })
    }
  })

  it('routes each dy to its window maximum (fixed reference)', async () => {
    await tf.setBackend('wasm')
    const x = tf.tensor([1, 3, 2, 0, -1, -5], [1, 6, 1]) as tf.Tensor3D
    const dy = tf.tensor([10, 20, 30], [1, 3, 1])
    const dx = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(maxPool1d(p as tf.Tensor3D, 2), dy)))(x)
    expect(Array.from(dx.dataSync())).toEqual([0, 10, 20, 0, 30, 0])
  })

  it('2-D max pooling gradient', async () => {
    const compute = (): tf.Tensor[] => {
      const x = t([2, 7, 6, 3], 9) as tf.Tensor4D
      return [tf.grad((p: tf.Tensor) => tf.sum(tf.square(tf.maxPool(p as tf.Tensor4D, [2, 3], [2, 2], 'same'))))(x)]
    }
    await expectSameOnWasmAndCpu(compute, '2-D max pool')
  })
})
