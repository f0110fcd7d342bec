/**
 * Slice, SplitV and Unpack for the wasm backend, reading the input through a view of the heap.
 * The stock Slice starts with backend.readSync(x), which copies the whole input out of the heap,
 * so every slice costs the input's size, not its own: measured here, cutting a [34, 262400]
 * tensor into 17 row pairs took 1.8 s, and an unstack of 17 small matrices 100 ms. SplitV and
 * Unpack call that Slice once per piece. These copy only the piece, in runs as long as the
 * layout allows (a contiguous slice is one copy). Strings keep the stock kernels.
 */
import { backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core'
import { slice_util } from '@tensorflow/tfjs-core'
import { runStock, type WasmBackend } from './wasm-tensors'

/** Runs shorter than this are copied element by element: cheaper than a native call. */
const SHORT_RUN = 16

/** x[begin : begin + size] as a new tensor on the heap (x numeric). */
export function sliceView(backend: WasmBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype)
  if (util.sizeFromShape(size) === 0) return out
  // Views only after the output exists: allocating can grow the heap and detach older views.
  const src = backend.typedArrayFromHeap(x)
  const dst = backend.typedArrayFromHeap(out)
  const rank = x.shape.length
  if (rank === 0) {
    dst[0] = src[0]!
    return out
  }
  const strides = util.computeStrides(x.shape)
  // The copy runs over the innermost dimensions the slice takes whole, plus the first it cuts.
  let k = rank - 1
  while (k > 0 && size[k] === x.shape[k] && begin[k] === 0) k--
  const run = size[k]! * (k < rank - 1 ? strides[k]! : 1)
  const outer = util.sizeFromShape(size.slice(0, k))
  const index = new Array<number>(k).fill(0)
  let at = 0
  for (let r = 0; r < outer; r++) {
    let from = k < rank - 1 ? begin[k]! * strides[k]! : begin[k]!
    for (let d = 0; d < k; d++) from += (begin[d]! + index[d]!) * strides[d]!
    if (run < SHORT_RUN) for (let i = 0; i < run; i++) dst[at + i] = src[from + i]!
    else dst.set(src.subarray(from, from + run), at)
    at += run
    for (let d = k - 1; d >= 0; d--) {
      if (++index[d]! < size[d]!) break
      index[d] = 0
    }
  }
  return out
}

const slice: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x!
  if (x.dtype === 'string') return runStock(backend as WasmBackend, 'Slice', inputs, attrs)
  const [begin, size] = slice_util.parseSliceParams(x, attrs!.begin as number[], attrs!.size as number[])
  return sliceView(backend as WasmBackend, x, begin, size)
}

const splitV: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x!
  if (x.dtype === 'string') return runStock(backend as WasmBackend, 'SplitV', inputs, attrs)
  const axis = util.parseAxisParam(attrs!.axis as number, x.shape)[0]!
  const sizes = backend_util.prepareSplitSize(x, attrs!.numOrSizeSplits as number[] | number, axis)
  const begin = new Array<number>(x.shape.length).fill(0)
  return sizes.map((s) => {
    const size = [...x.shape]
    size[axis] = s
    const piece = sliceView(backend as WasmBackend, x, [...begin], size)
    begin[axis]! += s
    return piece
  })
}

const unpack: KernelFunc = ({ inputs, backend, attrs }) => {
  const value = inputs.value!
  if (value.dtype === 'string') return runStock(backend as WasmBackend, 'Unpack', inputs, attrs)
  let axis = attrs!.axis as number
  if (axis < 0) axis += value.shape.length
  const outShape = value.shape.filter((_, i) => i !== axis)
  const size = [...value.shape]
  size[axis] = 1
  const begin = new Array<number>(value.shape.length).fill(0)
  const outs: TensorInfo[] = []
  for (let i = 0; i < value.shape[axis]!; i++) {
    begin[axis] = i
    const piece = sliceView(backend as WasmBackend, value, begin, size)
    outs.push({ ...piece, shape: outShape })
  }
  return outs
}

type Config = Omit<KernelConfig, 'setupFunc' | 'disposeFunc'>

/** Our Slice for the wasm backend. */
export const sliceConfig: Config = { kernelName: 'Slice', backendName: 'wasm', kernelFunc: slice }
/** Our SplitV for the wasm backend. */
export const splitVConfig: Config = { kernelName: 'SplitV', backendName: 'wasm', kernelFunc: splitV }
/** Our Unpack for the wasm backend. */
export const unpackConfig: Config = { kernelName: 'Unpack', backendName: 'wasm', kernelFunc: unpack }
