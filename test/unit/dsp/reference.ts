import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

/**
 * The one tolerance of the DSP tests: comparisons with the numpy/scipy references and round trips
 * (iSTFT of STFT, fromPolar of magnitude/phase), relative to the largest reference magnitude.
 * Our outputs are stored as float32 (epsilon 6e-8) after float64 sums of at most a few thousand
 * terms (rounding ~ sqrt(n) eps < 4e-6), so 1e-5 leaves headroom for rounding while any formula
 * mistake (a wrong window, pad, scale or bin) shows up at 1e-3 or more.
 */
export const REF_TOL = 1e-5

/** Parsed JSON fixture from test/fixtures/dsp (made by generate_reference.py). */
export function loadFixture<T>(name: string): T {
  const path = fileURLToPath(new URL(`../../fixtures/dsp/${name}`, import.meta.url))
  return JSON.parse(readFileSync(path, 'utf8')) as T
}

/** Largest |actual - expected| relative to the largest |expected| (1 when expected is all zero). */
export function relativeMaxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length)
  let err = 0
  let scale = 0
  for (let i = 0; i < expected.length; i++) {
    err = Math.max(err, Math.abs(actual[i]! - expected[i]!))
    scale = Math.max(scale, Math.abs(expected[i]!))
  }
  return err / (scale > 0 ? scale : 1)
}

/** Asserts `actual` matches the reference `expected` within REF_TOL. */
export function expectCloseToReference(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(relativeMaxError(actual, expected)).toBeLessThan(REF_TOL)
}
