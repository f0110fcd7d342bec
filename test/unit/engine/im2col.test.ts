/** im2col against its definition, and col2im as its exact adjoint (<im2col x, c> = <x, col2im c>). */
import { describe, expect, it } from 'vitest'
import { col2imRowsAdd, colsHeight, colsWidth, im2colRows, type ConvGeometry } from '../../../src-main/engine/kernels/im2col'
import { normal } from './helpers'

function geometry(over: Partial<ConvGeometry>): ConvGeometry {
  const g: ConvGeometry = { batch: 2, inH: 5, inW: 7, inC: 3, outH: 0, outW: 0, filterH: 2, filterW: 3, strideH: 1, strideW: 2, dilationH: 2, dilationW: 1, padTop: 1, padLeft: 2, ...over }
  // Output size that keeps every window's first tap inside the padded input.
  g.outH = Math.floor((g.inH + 2 * g.padTop - ((g.filterH - 1) * g.dilationH + 1)) / g.strideH) + 1
  g.outW = Math.floor((g.inW + 2 * g.padLeft - ((g.filterW - 1) * g.dilationW + 1)) / g.strideW) + 1
  return g
}

/** The definition, one element at a time. */
function naiveIm2col(x: Float32Array, g: ConvGeometry): Float32Array {
  const cols = new Float32Array(colsHeight(g) * colsWidth(g))
  let i = 0
  for (let n = 0; n < g.batch; n++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let ky = 0; ky < g.filterH; ky++)
          for (let kx = 0; kx < g.filterW; kx++)
            for (let c = 0; c < g.inC; c++, i++) {
              const iy = oy * g.strideH - g.padTop + ky * g.dilationH
              const ix = ox * g.strideW - g.padLeft + kx * g.dilationW
              if (iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW) cols[i] = x[((n * g.inH + iy) * g.inW + ix) * g.inC + c]!
            }
  return cols
}

const geometries: ConvGeometry[] = [
  geometry({}),
  geometry({ dilationW: 3, strideH: 2, padLeft: 0, inC: 30 }),
  geometry({ filterH: 1, filterW: 1, padTop: 0, padLeft: 0, strideW: 1, dilationH: 1 }),
  geometry({ inC: 1, filterW: 8, strideW: 8, inW: 40, padLeft: 0, filterH: 1, dilationH: 1, padTop: 0 })
]

describe('im2col', () => {
  geometries.forEach((g, i) => {
    it(`matches the definition, in one block and in row chunks (geometry ${i})`, () => {
      const x = normal([g.batch * g.inH * g.inW * g.inC], i + 1)
      const expected = naiveIm2col(x, g)
      const whole = new Float32Array(expected.length).fill(NaN)
      im2colRows(x, g, 0, colsHeight(g), whole)
      expect(Array.from(whole)).toEqual(Array.from(expected))
      const split = Math.floor(colsHeight(g) / 3)
      const tail = new Float32Array((colsHeight(g) - split) * colsWidth(g)).fill(NaN)
      im2colRows(x, g, split, colsHeight(g), tail)
      expect(Array.from(tail)).toEqual(Array.from(expected.subarray(split * colsWidth(g))))
    })

    it(`matches the definition when x and cols share one buffer, as on the wasm heap (geometry ${i})`, () => {
      const x = normal([g.batch * g.inH * g.inW * g.inC], i + 1)
      const expected = naiveIm2col(x, g)
      const offset = 16 // neither view starts at the buffer's start
      const shared = new ArrayBuffer(offset + (x.length + expected.length) * 4)
      const xs = new Float32Array(shared, offset, x.length)
      xs.set(x)
      const cols = new Float32Array(shared, offset + x.length * 4, expected.length).fill(NaN)
      im2colRows(xs, g, 0, colsHeight(g), cols)
      expect(Array.from(cols)).toEqual(Array.from(expected))
      expect(Array.from(xs)).toEqual(Array.from(x))
    })

    it(`restricted to a range of taps gives those columns (geometry ${i})`, () => {
      const x = normal([g.batch * g.inH * g.inW * g.inC], 30 + i)
      const full = naiveIm2col(x, g)
      const taps = g.filterH * g.filterW
      const lo = Math.floor(taps / 3)
      const hi = Math.max(lo + 1, taps - 1)
      const block = new Float32Array(colsHeight(g) * (hi - lo) * g.inC).fill(NaN)
      im2colRows(x, g, 0, colsHeight(g), block, [lo, hi])
      const width = colsWidth(g)
      const expected: number[] = []
      for (let r = 0; r < colsHeight(g); r++) expected.push(...full.subarray(r * width + lo * g.inC, r * width + hi * g.inC))
      expect(Array.from(block)).toEqual(expected)
    })

    it(`has col2im as its adjoint (geometry ${i})`, () => {
      const x = normal([g.batch * g.inH * g.inW * g.inC], 10 + i)
      const c = normal([colsHeight(g) * colsWidth(g)], 20 + i)
      const cols = new Float32Array(c.length)
      im2colRows(x, g, 0, colsHeight(g), cols)
      const back = new Float32Array(x.length)
      col2imRowsAdd(c, g, 0, colsHeight(g), back)
      let lhs = 0
      let rhs = 0
      for (let j = 0; j < c.length; j++) lhs += cols[j]! * c[j]!
      for (let j = 0; j < x.length; j++) rhs += x[j]! * back[j]!
      // Float32 products summed in float64: agreement to ~1e-6 of the magnitude of the sums.
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)))
    })
  })
})
