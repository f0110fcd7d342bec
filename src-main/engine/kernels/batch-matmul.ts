/**
 * BatchMatMul for wasm, rewritten onto the one fast shape of the stock kernel (a single
 * untransposed [M, K] x [K, N] product): transposes become explicit Transpose kernels, a batch
 * against one shared matrix becomes one tall product, and a true batch runs one product per item.
 * Autodiff of matMul asks for transposeA/transposeB products, so this is what makes dense-layer
 * gradients fast (2-3 GFLOP/s stock against ~30).
 */
import { backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core'
import { alloc, copyFloats, matMul2d, release, reshape, runStock, transpose, type WasmBackend } from './wasm-tensors'

/**
 * Below this many multiply-adds per batch item the per-call cost of a GEMM (operator creation and
 * weight packing, tens of microseconds) outweighs the stock kernel's slow inner loop.
 */
const MIN_ITEM_MACS = 32 * 32 * 32

/** [batch, rows, cols] of a rank >= 2 tensor, as a transpose-free matrix stack. */
function asStack(backend: WasmBackend, t: TensorInfo, transposed: boolean): { stack: TensorInfo; batch: number } {
  const rank = t.shape.length
  const batch = util.sizeFromShape(t.shape.slice(0, -2))
  const r = t.shape[rank - 2]!
  const c = t.shape[rank - 1]!
  const s3 = reshape(backend, t, [batch, r, c])
  if (!transposed) return { stack: s3, batch }
  const st = transpose(backend, s3, [0, 2, 1])
  release(backend, s3)
  return { stack: st, batch }
}

/** Items a[i] x b[i] one GEMM at a time, written into one [batch, m, n] output. */
function perItem(backend: WasmBackend, a: TensorInfo, b: TensorInfo, batch: number, m: number, k: number, n: number): TensorInfo {
  const out = alloc(backend, [batch, m, n])
  for (let i = 0; i < batch; i++) {
    const ai = alloc(backend, [m, k])
    const bi = alloc(backend, [k, n])
    copyFloats(backend, a, i * m * k, ai, 0, m * k)
    copyFloats(backend, b, i * k * n, bi, 0, k * n)
    const oi = matMul2d(backend, ai, bi, m, k, n)
    copyFloats(backend, oi, 0, out, i * m * n, m * n)
    release(backend, ai, bi, oi)
  }
  return out
}

/** b is one [K, N] matrix shared by all of a's items. */
function sharedB(backend: WasmBackend, a: TensorInfo, b: TensorInfo, batch: number, m: number, k: number, n: number): TensorInfo {
  const prod = matMul2d(backend, a, b, batch * m, k, n)
  const out = reshape(backend, prod, [batch, m, n])
  release(backend, prod)
  return out
}

/** a is one [M, K] matrix shared by all of b's items: one product with b's items side by side. */
function sharedA(backend: WasmBackend, a: TensorInfo, b: TensorInfo, batch: number, m: number, k: number, n: number): TensorInfo {
  const bSide = transpose(backend, b, [1, 0, 2]) // [K, batch, N]
  const prod = matMul2d(backend, a, bSide, m, k, batch * n) // [M, batch * N]
  const prod3 = reshape(backend, prod, [m, batch, n])
  const out = transpose(backend, prod3, [1, 0, 2])
  release(backend, bSide, prod, prod3)
  return out
}

const fastBatchMatMul: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as WasmBackend
  const a = inputs.a!
  const b = inputs.b!
  const transposeA = attrs?.transposeA === true
  const transposeB = attrs?.transposeB === true
  const ra = a.shape.length
  const rb = b.shape.length
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!
  const outer = backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2))
  const batchA = util.sizeFromShape(a.shape.slice(0, -2))
  const batchB = util.sizeFromShape(b.shape.slice(0, -2))
  const general = batchA !== batchB && batchA !== 1 && batchB !== 1
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || k !== kb || general) {
    // Let the stock kernel report the error or handle the rare layouts.
    return runStock(backend, 'BatchMatMul', inputs, attrs)
  }
  const { stack: a3 } = asStack(backend, a, transposeA)
  const { stack: b3 } = asStack(backend, b, transposeB)
  let out: TensorInfo
  if (batchB === 1) out = sharedB(backend, a3, b3, batchA, m, k, n)
  else if (batchA === 1) out = sharedA(backend, a3, b3, batchB, m, k, n)
  else if (m * k * n >= MIN_ITEM_MACS) out = perItem(backend, a3, b3, batchA, m, k, n)
  else out = runStock(backend, 'BatchMatMul', { a: a3, b: b3 }, { transposeA: false, transposeB: false })
  release(backend, a3, b3)
  const shaped = reshape(backend, out, [...outer, m, n])
  release(backend, out)
  return shaped
}

/** Our BatchMatMul for the wasm backend. */
export const batchMatMulConfig: Omit<KernelConfig, 'setupFunc' | 'disposeFunc'> = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: fastBatchMatMul
}

/**
 * _FusedMatMul (tf.fused.matMul) with transposes made explicit; bias and activation stay with the
 * stock kernel, which is fast once its operands are untransposed.
 */
const fastFusedMatMul: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as WasmBackend
  const transposeA = attrs?.transposeA === true
  const transposeB = attrs?.transposeB === true
  if (!transposeA && !transposeB) return runStock(backend, '_FusedMatMul', inputs, attrs)
  const swapLast = (t: TensorInfo): TensorInfo => {
    const r = t.shape.length
    const perm = [...Array(r).keys()]
    perm[r - 2] = r - 1
    perm[r - 1] = r - 2
    return transpose(backend, t, perm)
  }
  const a = transposeA ? swapLast(inputs.a!) : inputs.a!
  const b = transposeB ? swapLast(inputs.b!) : inputs.b!
  const out = runStock(backend, '_FusedMatMul', { ...inputs, a, b }, { ...attrs, transposeA: false, transposeB: false })
  if (transposeA) release(backend, a)
  if (transposeB) release(backend, b)
  return out
}

/** Our _FusedMatMul for the wasm backend. */
export const fusedMatMulConfig: Omit<KernelConfig, 'setupFunc' | 'disposeFunc'> = {
  kernelName: '_FusedMatMul',
  backendName: 'wasm',
  kernelFunc: fastFusedMatMul
}
