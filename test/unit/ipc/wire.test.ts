import { describe, expect, it } from 'vitest'
import { decodeWire, encodeWire } from '../../../src-preload/wire'

describe('binary wire format', () => {
  it('round-trips nested values with Float32Array, ArrayBuffer and Uint8Array parts', () => {
    // Odd byte lengths force padding between parts; the floats after them must stay aligned and exact.
    const value = {
      name: 'clip',
      head: new Uint8Array([1, 2, 3]),
      nested: { peaks: [new Float32Array([0.5, -0.25, 1e-7]), new Float32Array(0)] },
      raw: new Uint8Array([9, 8, 7, 6, 5]).buffer,
      n: 3
    }
    const out = decodeWire(encodeWire(value)) as typeof value
    expect(out.name).toBe('clip')
    expect(out.n).toBe(3)
    expect(out.head).toBeInstanceOf(Uint8Array)
    expect([...out.head]).toEqual([1, 2, 3])
    expect(out.nested.peaks[0]).toBeInstanceOf(Float32Array)
    expect([...out.nested.peaks[0]!]).toEqual([...value.nested.peaks[0]!])
    expect(out.nested.peaks[1]!.length).toBe(0)
    expect(out.raw).toBeInstanceOf(ArrayBuffer)
    expect([...new Uint8Array(out.raw)]).toEqual([9, 8, 7, 6, 5])
  })

  it('sends a Float32Array view of a larger buffer as just its own elements', () => {
    const big = new Float32Array([1, 2, 3, 4, 5, 6])
    const out = decodeWire(encodeWire({ x: big.subarray(2, 4) })) as { x: Float32Array }
    expect([...out.x]).toEqual([3, 4])
  })

  it('keeps binary out of the JSON header (bytes, not number lists)', () => {
    const samples = new Float32Array(10_000)
    const bytes = encodeWire({ samples })
    // 40 000 bytes of floats plus a small header; a JSON number list would be far larger.
    expect(bytes.byteLength).toBeLessThan(40_000 + 200)
  })

  it('refuses malformed messages with one clear line', () => {
    expect(() => decodeWire(new Uint8Array([1, 2]))).toThrow('wire: message too short')
    expect(() => decodeWire(new TextEncoder().encode('{"json": true}'))).toThrow('wire: not an Electric Beats message')
    // One float (4 bytes) padded to 8: cutting 6 bytes cuts into the float itself.
    const good = encodeWire({ a: new Float32Array([1]) })
    expect(() => decodeWire(good.subarray(0, good.byteLength - 6))).toThrow(/out of range/)
    const badHeader = good.slice()
    badHeader[8] = 0x7b + 1 // corrupt the first header byte
    expect(() => decodeWire(badHeader)).toThrow('wire: header is not JSON')
  })

  it('encodes undefined as null (void requests)', () => {
    expect(decodeWire(encodeWire(undefined))).toBeNull()
  })
})

describe('binary wire format from a Node Buffer', () => {
  it('returns parts that own exactly their bytes (Buffer#slice shares memory; ours must not)', () => {
    const encoded = encodeWire({ raw: new Uint8Array([1, 2, 3]).buffer })
    // Place the message inside a larger pooled-style Buffer, as the HTTP body reader does.
    const pooled = Buffer.concat([Buffer.from([0xff, 0xff, 0xff]), Buffer.from(encoded)]).subarray(3)
    const out = decodeWire(pooled) as { raw: ArrayBuffer }
    expect(out.raw.byteLength).toBe(3)
    expect([...new Uint8Array(out.raw)]).toEqual([1, 2, 3])
  })
})
