/**
 * Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter kernel configs for the wasm backend, over
 * im2col + GEMM (conv2d-forward.ts, conv2d-backprop.ts); NCHW tensors are transposed to NHWC.
 * Kernels read an extra `dilations` attribute so our Conv2D gradient can pass dilation through.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import { filterGradNhwc, inputGradNhwc } from './conv2d-backprop'
import { forwardNhwc, type Attrs } from './conv2d-forward'
import { release, transpose, type WasmBackend } from './wasm-tensors'

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
