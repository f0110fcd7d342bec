/**
 * im2col / col2im over NHWC Float32Arrays: the data movement that turns a convolution into one
 * matrix product the wasm backend's GEMM (XNNPACK) runs fast. Hand-written because no library
 * offers it over raw arrays. Contiguous runs are copied natively (copyWithin when both arrays
 * view one buffer, as on the wasm heap, so no per-run subarray objects are made), and only the
 * padding stretches are zeroed.
 *
 * Row r of the column matrix is output position (n, oy, ox); its columns are (ky, kx, c), the
 * order of a [filterH, filterW, inC, outC] filter flattened to [filterH * filterW * inC, outC].
 */

/** The geometry of one 2-D convolution (channels last), as the im2col loops need it. */
export interface ConvGeometry {
  batch: number
  inH: number
  inW: number
  inC: number
  outH: number
  outW: number
  filterH: number
  filterW: number
  strideH: number
  strideW: number
  dilationH: number
  dilationW: number
  padTop: number
  padLeft: number
}

/** Runs shorter than this are copied element by element: cheaper than a native call. */
const SHORT_RUN = 24

/** A run copier from src into dst (offsets relative to each array's start). */
type CopyRun = (from: number, to: number, len: number) => void

function makeCopier(src: Float32Array, dst: Float32Array): CopyRun {
  if (src.buffer === dst.buffer) {
    // One view of the whole shared buffer: copyWithin is a native memmove with no allocation.
    const heap = new Float32Array(src.buffer as ArrayBuffer)
    const srcBase = src.byteOffset >> 2
    const dstBase = dst.byteOffset >> 2
    return (from, to, len) => {
      if (len < SHORT_RUN) for (let i = 0; i < len; i++) dst[to + i] = src[from + i]!
      else heap.copyWithin(dstBase + to, srcBase + from, srcBase + from + len)
    }
  }
  return (from, to, len) => {
    if (len < SHORT_RUN) for (let i = 0; i < len; i++) dst[to + i] = src[from + i]!
    else dst.set(src.subarray(from, from + len), to)
  }
}

function addRun(src: Float32Array, from: number, dst: Float32Array, to: number, len: number): void {
  for (let i = 0; i < len; i++) dst[to + i]! += src[from + i]!
}

/** Number of columns of the column matrix: filterH * filterW * inC. */
export function colsWidth(g: ConvGeometry): number {
  return g.filterH * g.filterW * g.inC
}

/** Number of rows of the column matrix: batch * outH * outW. */
export function colsHeight(g: ConvGeometry): number {
  return g.batch * g.outH * g.outW
}

/** A half-open range [from, to) of filter taps, counted in (ky * filterW + kx) order. */
export type TapRange = readonly [number, number]

/** Every tap of the filter. */
export function allTaps(g: ConvGeometry): TapRange {
  return [0, g.filterH * g.filterW]
}

/**
 * Visits every in-bounds run of rows [rowStart, rowEnd), restricted to the taps in `taps`: calls
 * `run(xOffset, colOffset, length)` for each stretch of input that lands in the column block (offsets
 * into x and into the block, whose rows are (taps[1] - taps[0]) * inC wide and start at rowStart).
 * Out-of-bounds stretches go to `gap(colOffset, length)` when given: im2col zero-fills them,
 * col2im ignores them.
 */
function forEachRun(
  g: ConvGeometry,
  rowStart: number,
  rowEnd: number,
  taps: TapRange,
  run: (xAt: number, colAt: number, len: number) => void,
  gap?: (colAt: number, len: number) => void
): void {
  const { inH, inW, inC, outH, outW, filterW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = g
  const [tapLo, tapHi] = taps
  const width = (tapHi - tapLo) * inC
  const rowStride = inW * inC
  const imageStride = inH * rowStride
  const kyFirst = Math.floor(tapLo / filterW)
  const kyEnd = Math.ceil(tapHi / filterW)
  for (let r = rowStart; r < rowEnd; r++) {
    const n = Math.floor(r / (outH * outW))
    const rem = r - n * outH * outW
    const oy = Math.floor(rem / outW)
    const ox = rem - oy * outW
    const colRow = (r - rowStart) * width
    const ix0 = ox * strideW - padLeft
    for (let ky = kyFirst; ky < kyEnd; ky++) {
      const kxFrom = Math.max(0, tapLo - ky * filterW)
      const kxTo = Math.min(filterW, tapHi - ky * filterW)
      // Column offset of tap (ky, 0) within the block; only kx >= kxFrom is ever added to it.
      const colKy = colRow + (ky * filterW - tapLo) * inC
      const iy = oy * strideH - padTop + ky * dilationH
      if (iy < 0 || iy >= inH) {
        gap?.(colKy + kxFrom * inC, (kxTo - kxFrom) * inC)
        continue
      }
      const xRow = n * imageStride + iy * rowStride
      if (dilationW === 1) {
        // The window's taps along x are adjacent pixels: one contiguous run of (valid taps * inC).
        const kxLo = Math.min(kxTo, Math.max(kxFrom, -ix0))
        const kxHi = Math.max(kxLo, Math.min(kxTo, inW - ix0))
        if (gap && kxLo > kxFrom) gap(colKy + kxFrom * inC, (kxLo - kxFrom) * inC)
        if (kxHi > kxLo) run(xRow + (ix0 + kxLo) * inC, colKy + kxLo * inC, (kxHi - kxLo) * inC)
        if (gap && kxTo > kxHi) gap(colKy + kxHi * inC, (kxTo - kxHi) * inC)
      } else {
        for (let kx = kxFrom; kx < kxTo; kx++) {
          const ix = ix0 + kx * dilationW
          if (ix >= 0 && ix < inW) run(xRow + ix * inC, colKy + kx * inC, inC)
          else gap?.(colKy + kx * inC, inC)
        }
      }
    }
  }
}

/**
 * Writes rows [rowStart, rowEnd) of the column matrix of x into cols, keeping only the columns of
 * the taps in `taps` (default all): cols holds rows * (taps[1] - taps[0]) * inC floats.
 */
export function im2colRows(x: Float32Array, g: ConvGeometry, rowStart: number, rowEnd: number, cols: Float32Array, taps: TapRange = allTaps(g)): void {
  const copy = makeCopier(x, cols)
  forEachRun(g, rowStart, rowEnd, taps, copy, (colAt, len) => cols.fill(0, colAt, colAt + len))
}

/** Adds rows [rowStart, rowEnd) of a column-matrix gradient back onto dx (the adjoint of im2col). */
export function col2imRowsAdd(dcols: Float32Array, g: ConvGeometry, rowStart: number, rowEnd: number, dx: Float32Array): void {
  forEachRun(g, rowStart, rowEnd, allTaps(g), (xAt, colAt, len) => addRun(dcols, colAt, dx, xAt, len))
}
