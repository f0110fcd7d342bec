/**
 * Small helpers for kernels that run on the wasm backend: allocate, view, reshape, transpose and
 * multiply TensorInfos by calling the backend's own kernels, and free what they made.
 */
import { getKernel, type KernelConfig, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

/** The wasm backend as our kernels see it. */
export type WasmBackend = BackendWasm

/** Stock kernels saved before ours replaced them, so ours can still call them. */
const stockKernels = new Map<string, KernelConfig>()

/** Remembers the stock config of a kernel name (called once, before overriding it). */
export function saveStockKernel(config: KernelConfig): void {
  if (!stockKernels.has(config.kernelName)) stockKernels.set(config.kernelName, config)
}

/** The stock wasm config of a kernel, whether or not ours currently replaces it. */
export function stockKernel(kernelName: string): KernelConfig | undefined {
  return stockKernels.get(kernelName) ?? getKernel(kernelName, 'wasm')
}

/** Runs the stock wasm kernel `kernelName` on TensorInfos. */
export function runStock(backend: WasmBackend, kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
  const config = stockKernel(kernelName)
  if (!config) throw new Error(`wasm backend has no ${kernelName} kernel`)
  return config.kernelFunc({ inputs, backend, attrs }) as TensorInfo
}

/** A fresh float32 tensor on the wasm heap (contents undefined until written). */
export function alloc(backend: WasmBackend, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32')
}

/**
 * A Float32Array over a tensor's heap bytes. Take views after the last allocation of a step:
 * growing the wasm memory detaches every earlier view.
 */
export function view(backend: WasmBackend, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array
}

/** Releases intermediate TensorInfos made by a kernel (reference-counted, so shared data survives). */
export function release(backend: WasmBackend, ...ts: TensorInfo[]): void {
  for (const t of ts) backend.disposeData(t.dataId)
}

/** Same data, new shape (shares the buffer; release it like any other intermediate). */
export function reshape(backend: WasmBackend, t: TensorInfo, shape: number[]): TensorInfo {
  return runStock(backend, 'Reshape', { x: t }, { shape })
}

/** Transposed copy. */
export function transpose(backend: WasmBackend, t: TensorInfo, perm: number[]): TensorInfo {
  return runStock(backend, 'Transpose', { x: t }, { perm })
}

/** A [rows, cols] matrix, transposed: [cols, rows]. */
export function transpose2d(backend: WasmBackend, t: TensorInfo, rows: number, cols: number): TensorInfo {
  const m = reshape(backend, t, [rows, cols])
  const out = transpose(backend, m, [1, 0])
  release(backend, m)
  return out
}

/**
 * a [M, K] times b [K, N] -> [M, N] with no transposes and no batch: the one shape the stock
 * BatchMatMul sends to XNNPACK's GEMM (about 30 GFLOP/s here, against 2 for the other shapes).
 */
export function matMul2d(backend: WasmBackend, a: TensorInfo, b: TensorInfo, m: number, k: number, n: number): TensorInfo {
  const a3 = reshape(backend, a, [1, m, k])
  const b3 = reshape(backend, b, [1, k, n])
  const out = runStock(backend, 'BatchMatMul', { a: a3, b: b3 }, { transposeA: false, transposeB: false })
  release(backend, a3, b3)
  const out2 = reshape(backend, out, [m, n])
  release(backend, out)
  return out2
}

/** Copies `length` floats from src[srcAt..] to dst[dstAt..] on the heap. */
export function copyFloats(backend: WasmBackend, src: TensorInfo, srcAt: number, dst: TensorInfo, dstAt: number, length: number): void {
  const s = view(backend, src)
  view(backend, dst).set(s.subarray(srcAt, srcAt + length), dstAt)
}

/** A new [rows, width] tensor holding rows [from, from + rows) of a row-major [*, width] tensor. */
export function sliceRows(backend: WasmBackend, t: TensorInfo, width: number, from: number, rows: number): TensorInfo {
  const out = alloc(backend, [rows, width])
  copyFloats(backend, t, from * width, out, 0, rows * width)
  return out
}
