import { describe, expect, test } from 'vitest'
import { collectTransferables } from '../../../src-main/jobs/transfer'

describe('collectTransferables', () => {
  test('finds whole-buffer typed arrays and ArrayBuffers in nested records and lists, once each', () => {
    const a = new Float32Array(8)
    const b = new ArrayBuffer(16)
    const found = collectTransferables({ audio: { channels: [a, a] }, raw: b, n: 3, s: 'x', nothing: null })
    expect(found).toHaveLength(2)
    expect(found).toContain(a.buffer)
    expect(found).toContain(b)
  })

  test('leaves partial views, shared buffers and class instances alone', () => {
    const big = new Float32Array(100)
    const shared = new Float32Array(new SharedArrayBuffer(16))
    class Box {
      data = new Float32Array(4)
    }
    expect(collectTransferables({ slice: big.subarray(10, 20), shared, box: new Box(), map: new Map([[1, new Float32Array(2)]]) })).toEqual([])
  })

  test('terminates on cycles', () => {
    const x: Record<string, unknown> = { data: new Uint8Array(4) }
    x.self = x
    expect(collectTransferables(x)).toHaveLength(1)
  })

  test('moving them detaches the sender copy (what run() does with params)', () => {
    const params = { samples: new Float32Array([1, 2, 3]) }
    const moved = structuredClone(params, { transfer: collectTransferables(params) })
    expect(params.samples.byteLength).toBe(0)
    expect(Array.from(moved.samples)).toEqual([1, 2, 3])
  })
})
