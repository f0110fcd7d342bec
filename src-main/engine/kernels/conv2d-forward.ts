/**
 * The shared machinery of the wasm convolution kernels, and the forward pass:
 *   y = cols(x) . W    [M, K] x [K, outC], summed over tap blocks when K is wide,
 * with M = batch * outH * outW and K = filterH * filterW * inC, channels last. Each product is
 * the stock BatchMatMul's fast untransposed GEMM (XNNPACK).
 */
import { backend_util, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import { allTaps, colsHeight, colsWidth, im2colRows, type ConvGeometry, type TapRange } from './im2col'
import { alloc, copyFloats, matMul2d, release, reshape, sliceRows, view, type WasmBackend } from './wasm-tensors'

/** Size limits of the im2col kernels (mutable so tests can force the chunked paths on small shapes). */
export const convLimits = {
  /**
   * Most floats one column-matrix chunk may hold: 8 M floats = 32 MB keeps the scratch small next
   * to the 4 GB wasm heap, while chunks of thousands of rows keep the GEMM at full speed.
   */
  chunkFloats: 1 << 23,
  /**
   * Widest inner dimension given to one GEMM. Measured here: XNNPACK's wasm GEMM runs ~28 GFLOP/s
   * with inner dimensions up to ~1000 and ~18 GFLOP/s at 2816 or 11275 (its packed panel of the
   * second operand no longer stays in cache), so wider products are split by filter taps and summed.
   */
  maxInner: 1100
}

/** Conv2D-family attributes as our kernels read them (dilations included). */
export type Attrs = NamedAttrMap & {
  strides: number | [number, number]
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding
  dataFormat?: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  dilations?: number | [number, number]
}

/** tfjs's full convolution info (padding on all sides, effective filter sizes). */
export function convInfo(xShape: number[], filterShape: number[], attrs: Attrs): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast'
  )
}

/** The geometry of a channels-last convolution of xShape by filterShape under attrs. */
export function convGeometry(xShape: number[], filterShape: number[], attrs: Attrs): ConvGeometry {
  const info = convInfo(xShape, filterShape, attrs)
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    filterH: info.filterHeight,
    filterW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    dilationH: info.dilationHeight,
    dilationW: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left
  }
}

/** A 1x1, stride-1, unpadded convolution: x itself is the column matrix. */
export function isPointwise(g: ConvGeometry): boolean {
  return g.filterH === 1 && g.filterW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0 && g.outH === g.inH && g.outW === g.inW
}

/** Rows [from, to) of the column matrix of x (only the columns of `taps`), as a new tensor. */
export function colsChunk(backend: WasmBackend, x: TensorInfo, g: ConvGeometry, from: number, to: number, taps: TapRange = allTaps(g)): TensorInfo {
  const cols = alloc(backend, [to - from, (taps[1] - taps[0]) * g.inC])
  im2colRows(view(backend, x), g, from, to, view(backend, cols), taps)
  return cols
}

/** The filter's taps in groups whose columns (taps * inC) stay within convLimits.maxInner (at least one tap). */
function tapBlocks(g: ConvGeometry): TapRange[] {
  const taps = g.filterH * g.filterW
  const per = Math.max(1, Math.floor(convLimits.maxInner / g.inC))
  const out: TapRange[] = []
  for (let t = 0; t < taps; t += per) out.push([t, Math.min(taps, t + per)])
  return out
}

/** Adds b's floats onto a's (same size), then releases b. */
export function accumulate(backend: WasmBackend, a: TensorInfo, b: TensorInfo): void {
  const acc = view(backend, a)
  const add = view(backend, b)
  for (let i = 0; i < acc.length; i++) acc[i]! += add[i]!
  release(backend, b)
}

/** cols(x)[rows from..to] . W as a sum over tap blocks: [to - from, outC]. */
function forwardRows(backend: WasmBackend, x: TensorInfo, filter: TensorInfo, g: ConvGeometry, from: number, to: number, blocks: TapRange[]): TensorInfo {
  const outC = filter.shape[3]!
  let acc: TensorInfo | undefined
  for (const taps of blocks) {
    const inner = (taps[1] - taps[0]) * g.inC
    const cols = colsChunk(backend, x, g, from, to, taps)
    const w = blocks.length === 1 ? filter : sliceRows(backend, filter, outC, taps[0] * g.inC, inner)
    const part = matMul2d(backend, cols, w, to - from, inner, outC)
    release(backend, cols)
    if (w !== filter) release(backend, w)
    if (acc === undefined) acc = part
    else accumulate(backend, acc, part)
  }
  return acc!
}

/** Row ranges of at most convLimits.chunkFloats floats of a [rows, width] matrix. */
export function chunks(rows: number, width: number): [number, number][] {
  const step = Math.max(1, Math.floor(convLimits.chunkFloats / width))
  const out: [number, number][] = []
  for (let r = 0; r < rows; r += step) out.push([r, Math.min(rows, r + step)])
  return out
}

/** Conv2D forward on channels-last tensors. */
export function forwardNhwc(backend: WasmBackend, x: TensorInfo, filter: TensorInfo, attrs: Attrs): TensorInfo {
  const g = convGeometry(x.shape, filter.shape, attrs)
  const k = colsWidth(g)
  const m = colsHeight(g)
  const outC = filter.shape[3]!
  let out: TensorInfo
  if (isPointwise(g) && k <= convLimits.maxInner) {
    out = matMul2d(backend, x, filter, m, k, outC)
  } else {
    const blocks = tapBlocks(g)
    const widest = Math.max(...blocks.map(([lo, hi]) => (hi - lo) * g.inC))
    const parts = chunks(m, widest)
    if (parts.length === 1) {
      out = forwardRows(backend, x, filter, g, 0, m, blocks)
    } else {
      out = alloc(backend, [m, outC])
      for (const [from, to] of parts) {
        const part = forwardRows(backend, x, filter, g, from, to, blocks)
        copyFloats(backend, part, 0, out, from * outC, (to - from) * outC)
        release(backend, part)
      }
    }
  }
  const shaped = reshape(backend, out, [g.batch, g.outH, g.outW, outC])
  release(backend, out)
  return shaped
}
