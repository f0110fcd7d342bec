/**
 * The two Conv2D gradients on channels-last tensors, for the wasm backend:
 *   input grad   dcols = dy . W^T          [M, outC] x [outC, K], then col2im-add into dx;
 *                with stride 1 and narrow inputs, a forward conv of dy with the flipped filter
 *   filter grad  dW    = cols(x)^T . dy    [K, M] x [M, outC]
 * Stock wasm runs the input gradient with a naive loop (~2 GFLOP/s) and has no filter-gradient
 * kernel at all.
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core'
import { col2imRowsAdd, colsHeight, colsWidth } from './im2col'
import { accumulate, chunks, colsChunk, convGeometry, convInfo, forwardNhwc, isPointwise, type Attrs } from './conv2d-forward'
import { alloc, matMul2d, release, reshape, runStock, sliceRows, transpose, transpose2d, view, type WasmBackend } from './wasm-tensors'

/** Widest input (channels) whose stride-1 input gradient runs as a flipped-filter convolution. */
const MAX_CONV_ROUTE_CHANNELS = 256

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

/** Conv2DBackpropInput on channels-last tensors. */
export function inputGradNhwc(backend: WasmBackend, dy: TensorInfo, filter: TensorInfo, inputShape: number[], attrs: Attrs): TensorInfo {
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

/** Conv2DBackpropFilter on channels-last tensors. */
export function filterGradNhwc(backend: WasmBackend, x: TensorInfo, dy: TensorInfo, filterShape: number[], attrs: Attrs): TensorInfo {
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
