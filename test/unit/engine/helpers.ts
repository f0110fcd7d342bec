/** Shared helpers for the engine tests: seeded data, backend switching, closeness checks. */
import { expect } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { createRng } from '../../../src-main/util/random'

/**
 * Relative tolerance of wasm against cpu: max |a - b| / max |b|. Both sum in float32 but in
 * different orders (GEMM blocking against naive loops); at these sizes (sums of <= ~1000 terms)
 * the measured disagreement is ~1e-7, so 1e-4 leaves room without hiding a wrong index.
 */
export const REL_TOL = 1e-4

/** Seeded standard-normal values, identical on every backend. */
export function normal(shape: number[], seed: number, scale = 1): Float32Array {
  const rng = createRng(seed)
  const n = shape.reduce((a, b) => a * b, 1)
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = rng.normal() * scale
  return out
}

/** A computed tensor brought back as plain data. */
export interface Result {
  shape: number[]
  dtype: string
  values: Float32Array
}

/** Runs `compute` on the named backend; returns its tensors' data and disposes them. */
export async function runOn(backend: string, compute: () => tf.Tensor[]): Promise<Result[]> {
  await tf.setBackend(backend)
  const ts = compute()
  const out = ts.map((t) => ({ shape: t.shape, dtype: t.dtype, values: t.dataSync() as Float32Array }))
  tf.dispose(ts)
  return out
}

/** Max |a - b| / max |b| over two equal-length arrays. */
export function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0
  let scale = 0
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!))
    scale = Math.max(scale, Math.abs(b[i]!))
  }
  return diff / Math.max(scale, 1e-30)
}

/** Checks dtype and shape, then values within REL_TOL (relative to the largest reference value). */
export function expectClose(actual: Result, expected: Result, label: string): void {
  expect(actual.dtype, `${label} dtype`).toBe(expected.dtype)
  expect(actual.shape, `${label} shape`).toEqual(expected.shape)
  expect(relativeError(actual.values, expected.values), `${label} relative error`).toBeLessThan(REL_TOL)
}

/** Runs the same computation on wasm and cpu and compares every output. */
export async function expectSameOnWasmAndCpu(compute: () => tf.Tensor[], label: string): Promise<void> {
  const wasm = await runOn('wasm', compute)
  const cpu = await runOn('cpu', compute)
  expect(wasm.length).toBe(cpu.length)
  wasm.forEach((w, i) => expectClose(w, cpu[i]!, `${label} [output ${i}]`))
  await tf.setBackend('wasm')
}
