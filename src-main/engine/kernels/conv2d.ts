/**
 * Conv2D and both of its gradients for the wasm backend as im2col + GEMM:
 *   forward      y      = cols(x)   . W       [M, K] x [K, outC], summed over tap blocks when K is wide
 *   input grad   dcols  = dy        . W^T     [M, outC] x [outC, K], then col2im-add into dx;
 *                                             with stride 1 and narrow inputs, a forward conv of
 *                                             dy with the flipped filter instead (see below)
 *   filter grad  dW     = cols(x)^T . dy      [K, M] x [M, outC]
 * with M = batch * outH * outW and K = filterH * filterW * inC. Every transpose is an explicit
 * Transpose kernel so each product takes the stock kernel's fast untransposed GEMM path. Stock wasm
 * runs the input gradient with a naive loop (~2 GFLOP/s) and has no filter-gradient kernel at all.
 * Kernels read an extra `dilations` attribute so our Conv2D gradient can pass dilation through.
 */
import { backend_util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import { allTaps, col2imRowsAdd, colsHeight, colsWidth, im2colRows, type ConvGeometry, type TapRange } from './im2col'
import { alloc, copyFloats, runStock, matMul2d, release, reshape, sliceRows, transpose, transpose2d, view, type WasmBackend } from './wasm-tensors'

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

type Attrs = NamedAttrMap & {
  strides: number | [number, number]
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding
  dataFormat?: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  dilations?: number | [number, number]
}

function convInfo(xShape: number[], filterShape: number[], attrs: Attrs): backend_util.Conv2DInfo {
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

/** Widest input (channels) whose stride-1 input gradient runs as a flipped-filter convolution. */
const MAX_CONV_ROUTE_CHANNELS = 256

/** A 1x1, stride-1, unpadded convolution: x itself is the column matrix. */
function isPointwise(g: ConvGeometry): boolean {
  return g.filterH === 1 && g.filterW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0 && g.outH === g.inH && g.outW === g.inW
}

/** Rows [from, to) of the column matrix of x (only the columns of `taps`), as a new tensor. */
function colsChunk(backend: WasmBackend, x: TensorInfo, g: ConvGeometry, from: number, to: number, taps: TapRange = allTaps(g)): TensorInfo {
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
function accumulate(backend: WasmBackend, a: TensorInfo, b: TensorInfo): void {
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
function chunks(rows: number, width: number): [number, number][] {
  const step = Math.max(1, Math.floor(convLimits.chunkFloats / width))
  const out: [number, number][] = []
  for (let r = 0; r < rows; r += step) out.push([r, Math.min(rows, r + step)])
  return out
}

function forwardNhwc(backend: WasmBackend, x: TensorInfo, filter: TensorInfo, attrs: Attrs): TensorInfo {
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

/**
 * With stride 1 the input gradient is itself a convolution: dy, padded by (effective filter - 1 -
 * forward padding) on each side, convolved with the filter flipped in space and with its channel
 * axes swapped. That runs through forwardNhwc, whose GEMM writes the small dx instead of a
 * [M, K] column gradient that col2im must then fold: measured 1.2-2x faster at the tagger's
 * shapes (32 input channels) but 1.8x slower at the texture shape (1025 input channels, where
 * the flipped filter's GEMM is wide), hence the channel bound below, set between the two.
 * Returns undefined where that route does not apply (stride > 1, wide input, negative padding).
 */
function inputGradByConv(backend: WasmBackend, dy: TensorInfo, filter: TensorInfo, inputShape: number[], attrs: Attrs): TensorInfo | undefined {
  const info = convInfo(inputShape, filter.shape, attrs)
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.inChannels > MAX_CONV_ROUTE_CHANNELS) return undefined
  const { top, bottom, left, right } = info.padInfo
  const before = [info.effectiveFilterHeight - 1 - top, info.effectiveFilterWidth - 1 - left]
  const after = [info.effectiveFilterHeight - 1 - bottom, info.effectiveFilterWidth - 1 - right]
  if ([...before, ...after].some((p) => p < 0)) return undefined
  const reversed = runStock(backend, 'Reverse', { x: filter }, { dims: [0, 1] })
  const flipped = transpose(backend, reversed, [0, 1, 3, 2])
  release(backend, reversed)
  const pad: backend_util.ExplicitPadding = [[0, 0], [before[0]!, after[0]!], [before[1]!, after[1]!], [0, 0]]
  const dx = forwardNhwc(backend, dy, flipped, { strides: 1, pad, dilations: [info.dilationHeight, info.dilationWidth] })
  release(backend, flipped)
  return dx
}

function inputGradNhwc(backend: WasmBackend, dy: TensorInfo, filter: TensorInfo, inputShape: number[], attrs: Attrs): TensorInfo {
  const byConv = inputGradByConv(backend, dy, filter, inputShape, attrs)
  if (byConv) return byConv
  const g = convGeometry(inputShape, filter.shape, attrs)
  const k = colsWidth(g)
  const m = colsHeight(g)
  const outC = filter.shape[3]!
  const wT = transpose2d(backend, filter, k, outC)
  if (isPointwise(g)) {
    const dx = matMul2d(backend, dy, wT, m, outC, k)
    release(backend, wT)
    const shaped = reshape(backend, dx, inputShape)
    release(backend, dx)
    return shaped
  }
  const dx = alloc(backend, inputShape)
  view(backend, dx).fill(0)
  const parts = chunks(m, k)
  for (const [from, to] of parts) {
    const dyRows = parts.length === 1 ? reshape(backend, dy, [m, outC]) : sliceRows(backend, dy, outC, from, to - from)
    const dcols = matMul2d(backend, dyRows, wT, to - from, outC, k)
    col2imRowsAdd(view(backend, dcols), g, from, to, view(backend, dx))
    release(backend, dyRows, dcols)
  }
  release(backend, wT)
  return dx
}

function filterGradNhwc(backend: WasmBackend, x: TensorInfo, dy: TensorInfo, filterShape: number[], attrs: Attrs): TensorInfo {
  const g = convGeometry(x.shape, filterShape, attrs)
  const k = colsWidth(g)
  const m = colsHeight(g)
  const outC = filterShape[3]!
  const parts = isPointwise(g) ? [[0, m] as [number, number]] : chunks(m, k)
  let dw: TensorInfo | undefined
  for (const [from, to] of parts) {
    const rows = to - from
    const cols = isPointwise(g) ? reshape(backend, x, [m, k]) : colsChunk(backend, x, g, from, to)
    const dyRows = parts.length === 1 ? reshape(backend, dy, [m, outC]) : sliceRows(backend, dy, outC, from, rows)
    // cols^T . dy rather than (dy^T . cols)^T: the GEMM's packed operand is then the small dy,
    // measured 2-10x faster at the tagger's shapes and no slower at the texture shape.
    const colsT = transpose2d(backend, cols, rows, k)
    const part = matMul2d(backend, colsT, dyRows, k, rows, outC)
    release(backend, cols, dyRows, colsT)
    if (dw === undefined) dw = part
    else accumulate(backend, dw, part)
  }
  const shaped = reshape(backend, dw!, filterShape)
  release(backend, dw!)
  return shaped
}

const toNhwc = [0, 2, 3, 1]
const toNchw = [0, 3, 1, 2]

function permuted(shape: number[], perm: number[]): number[] {
  return perm.map((p) => shape[p]!)
}

/** Runs an NHWC body on NCHW tensors by transposing in and, when asked, out. */
function viaNhwc(backend: WasmBackend, ins: TensorInfo[], body: (nhwc: TensorInfo[]) => TensorInfo, transposeOut: boolean): TensorInfo {
  const nhwc = ins.map((t) => transpose(backend, t, toNhwc))
  const out = body(nhwc)
  release(backend, ...nhwc)
  if (!transposeOut) return out
  const back = transpose(backend, out, toNchw)
  release(backend, out)
  return back
}

const conv2d: KernelFunc = ({ inputs, backend, attrs }) => {
  const a = { ...attrs, dataFormat: 'NHWC' } as Attrs
  const be = backend as WasmBackend
  if ((attrs as Attrs).dataFormat === 'NCHW') return viaNhwc(be, [inputs.x!], ([x]) => forwardNhwc(be, x!, inputs.filter!, a), true)
  return forwardNhwc(be, inputs.x!, inputs.filter!, a)
}

const conv2dBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const a = { ...attrs, dataFormat: 'NHWC' } as Attrs
  const be = backend as WasmBackend
  const inputShape = (attrs as { inputShape: number[] }).inputShape
  if ((attrs as Attrs).dataFormat === 'NCHW') {
    return viaNhwc(be, [inputs.dy!], ([dy]) => inputGradNhwc(be, dy!, inputs.filter!, permuted(inputShape, toNhwc), a), true)
  }
  return inputGradNhwc(be, inputs.dy!, inputs.filter!, inputShape, a)
}

const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const a = { ...attrs, dataFormat: 'NHWC' } as Attrs
  const be = backend as WasmBackend
  const filterShape = (attrs as { filterShape: number[] }).filterShape
  if ((attrs as Attrs).dataFormat === 'NCHW') {
    return viaNhwc(be, [inputs.x!, inputs.dy!], ([x, dy]) => filterGradNhwc(be, x!, dy!, filterShape, a), false)
  }
  return filterGradNhwc(be, inputs.x!, inputs.dy!, filterShape, a)
}

type Config = Omit<KernelConfig, 'setupFunc' | 'disposeFunc'>

/** Our Conv2D (forward) for the wasm backend. */
export const conv2dConfig: Config = { kernelName: 'Conv2D', backendName: 'wasm', kernelFunc: conv2d }
/** Our Conv2DBackpropInput for the wasm backend. */
export const conv2dBackpropInputConfig: Config = { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: conv2dBackpropInput }
/** The Conv2DBackpropFilter the stock wasm backend lacks. */
export const conv2dBackpropFilterConfig: Config = { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter }
