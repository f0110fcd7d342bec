import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  averagePrecision, evenWindows, rocAuc, songPrediction, tagMetrics
} from '../../../src-main/engine/train/metrics'
import { UserError } from '../../../src-main/util/errors'
import { createRng } from '../../../src-main/util/random'

/**
 * Agreement with scikit-learn. Both sides sum in float64 over at most 10,000 terms (rounding
 * ~1e-16 each, so well under 1e-12 in all), while a wrong tie rule moves a figure by at least
 * 1 / (positives x negatives) ~ 1e-7 at n = 5000: 1e-9 separates the two.
 */
const SKLEARN_TOL = 1e-9

interface BinaryCase {
  name: string
  dtype: 'float32' | 'float64'
  scores: number[]
  labels: number[]
  rocAuc: number | null
  averagePrecision: number | null
}

interface Reference {
  sklearn: string
  binary: BinaryCase[]
  matrix: {
    clips: number
    tags: string[]
    scores: number[]
    labels: number[]
    perTag: Record<string, { rocAuc: number; averagePrecision: number }>
    macroRocAuc: number
    macroAveragePrecision: number
    microRocAuc: number
    microAveragePrecision: number
  }
}

const ref = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/metrics/auc.json', import.meta.url)), 'utf8')
) as Reference

/** The case's scores as the dtype sklearn saw: float32 cases go through a Float32Array. */
function scoresOf(c: BinaryCase): Float32Array | Float64Array {
  return c.dtype === 'float32' ? Float32Array.from(c.scores) : Float64Array.from(c.scores)
}

function expectClose(actual: number | null, expected: number | null): void {
  if (expected === null) return expect(actual).toBeNull()
  expect(actual).not.toBeNull()
  expect(Math.abs(actual! - expected)).toBeLessThan(SKLEARN_TOL)
}

/** n uniform scores in [0, 1) from a seed, and labels with both classes. */
function randomCase(n: number, seed: number, quantise?: number): { scores: Float64Array; labels: Uint8Array } {
  const rng = createRng(seed)
  const scores = Float64Array.from({ length: n }, () => {
    const v = rng.uniform()
    return quantise ? Math.round(v * quantise) / quantise : v
  })
  const labels = Uint8Array.from({ length: n }, (_, i) => (i < 2 ? i : rng.uniform() < 0.3 ? 1 : 0))
  return { scores, labels }
}

describe('rocAuc and averagePrecision against scikit-learn', () => {
  it('the reference covers the cases the issue names', () => {
    expect(ref.binary.length).toBeGreaterThanOrEqual(15)
    expect(ref.binary.some((c) => c.scores.length >= 5000)).toBe(true)
    expect(ref.binary.some((c) => new Set(c.scores).size === 1)).toBe(true)
  })

  it.each(ref.binary.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const labels = Uint8Array.from(c.labels)
    expectClose(rocAuc(scoresOf(c), labels), c.rocAuc)
    expectClose(averagePrecision(scoresOf(c), labels), c.averagePrecision)
  })

  it('accepts plain number arrays as well as typed ones', () => {
    const c = ref.binary.find((b) => b.name === 'heavy ties (3 levels)')!
    expectClose(rocAuc(c.scores, c.labels), c.rocAuc)
  })
})

describe('properties', () => {
  it('inverting untied scores gives 1 - AUC', () => {
    for (const seed of [1, 2, 3]) {
      const { scores, labels } = randomCase(500, seed)
      const inverted = scores.map((s) => -s)
      expect(Math.abs(rocAuc(inverted, labels)! - (1 - rocAuc(scores, labels)!))).toBeLessThan(SKLEARN_TOL)
    }
  })

  it('inverting tied scores also gives 1 - AUC (a tie keeps its half credit)', () => {
    const { scores, labels } = randomCase(500, 4, 5)
    expect(Math.abs(rocAuc(scores.map((s) => 1 - s), labels)! - (1 - rocAuc(scores, labels)!))).toBeLessThan(SKLEARN_TOL)
  })

  it('both figures are unchanged by strictly increasing transforms of the scores', () => {
    const { scores, labels } = randomCase(400, 5, 20) // quantised: the transforms must keep ties as ties
    const auc = rocAuc(scores, labels)!
    const ap = averagePrecision(scores, labels)!
    for (const f of [(s: number) => 3 * s - 7, (s: number) => Math.exp(5 * s), (s: number) => 1 / (1 + Math.exp(-s))]) {
      const t = scores.map(f)
      expect(rocAuc(t, labels)).toBe(auc) // same order and groups: the same integers, exactly
      expect(averagePrecision(t, labels)).toBe(ap)
    }
  })

  it('a perfect ranking has AUC 1 and AP 1; the worst has AUC 0', () => {
    const { labels } = randomCase(300, 6)
    const perfect = Float64Array.from(labels, (y, i) => y + i * 1e-4)
    expect(rocAuc(perfect, labels)).toBe(1)
    expect(averagePrecision(perfect, labels)).toBe(1)
    expect(rocAuc(perfect.map((s) => -s), labels)).toBe(0)
  })

  it('all-equal scores give AUC 0.5 and AP = the share of positives', () => {
    const labels = Uint8Array.from([1, 0, 0, 1, 0, 0, 0, 1])
    expect(rocAuc(new Float32Array(8).fill(0.3), labels)).toBe(0.5)
    expect(averagePrecision(new Float32Array(8).fill(0.3), labels)).toBe(3 / 8)
  })

  it('AUC is the Mann-Whitney U over all positive/negative pairs, ties counting half', () => {
    const { scores, labels } = randomCase(300, 7, 10)
    let u = 0
    let pairs = 0
    for (let i = 0; i < scores.length; i++) {
      for (let j = 0; j < scores.length; j++) {
        if (labels[i] !== 1 || labels[j] !== 0) continue
        pairs++
        u += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0
      }
    }
    expect(Math.abs(rocAuc(scores, labels)! - u / pairs)).toBeLessThan(SKLEARN_TOL)
  })

  it('is O(n log n): 200,000 scores rank quickly', () => {
    const { scores, labels } = randomCase(200_000, 8)
    const auc = rocAuc(scores, labels)! // random labels: about 0.5
    expect(auc).toBeGreaterThan(0.49)
    expect(auc).toBeLessThan(0.51)
  })
})

describe('one class only', () => {
  it('ROC-AUC is null without a positive or without a negative, never NaN', () => {
    expect(rocAuc([0.1, 0.2], [0, 0])).toBeNull()
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNull()
    expect(rocAuc([], [])).toBeNull()
  })

  it('average precision is null without a positive, 1 with positives only', () => {
    expect(averagePrecision([0.1, 0.2], [0, 0])).toBeNull()
    expect(averagePrecision([0.1, 0.2], [1, 1])).toBe(1)
  })
})

describe('tagMetrics', () => {
  const m = ref.matrix
  const result = tagMetrics(Float64Array.from(m.scores), Uint8Array.from(m.labels), m.tags)

  it('per-tag figures and macro means equal sklearn\'s', () => {
    expect(result.clips).toBe(m.clips)
    expect(result.perTag.map((t) => t.tag)).toEqual(Object.keys(m.perTag))
    for (const t of result.perTag) {
      expectClose(t.rocAuc, m.perTag[t.tag]!.rocAuc)
      expectClose(t.prAuc, m.perTag[t.tag]!.averagePrecision)
      expect(t.clips).toBe(m.clips)
    }
    expectClose(result.macroRocAuc, m.macroRocAuc)
    expectClose(result.macroPrAuc, m.macroAveragePrecision)
  })

  it('micro figures equal sklearn\'s average="micro" over the whole matrix', () => {
    expectClose(result.microRocAuc, m.microRocAuc)
    expectClose(result.microPrAuc, m.microAveragePrecision)
  })

  it('lists the tags without an AUC with the reason and leaves them out of the means', () => {
    expect(result.leftOut).toEqual([
      { tag: 'silent', reason: 'no positive clip in this split' },
      { tag: 'everywhere', reason: 'no negative clip in this split' }
    ])
  })

  it('counts each tag\'s positives', () => {
    const guitar = m.tags.indexOf('guitar')
    const positives = m.labels.filter((y, i) => i % m.tags.length === guitar && y === 1).length
    expect(result.perTag.find((t) => t.tag === 'guitar')!.positives).toBe(positives)
  })

  it('means are null when no tag has an AUC', () => {
    const r = tagMetrics([0.1, 0.9, 0.2, 0.8], [0, 1, 0, 1], ['none', 'all'])
    expect(r.perTag).toEqual([])
    expect(r.macroRocAuc).toBeNull()
    expect(r.macroPrAuc).toBeNull()
    expect(r.microRocAuc).toBe(1) // across the matrix both classes occur
    expect(r.leftOut.map((l) => l.reason)).toEqual(['no positive clip in this split', 'no negative clip in this split'])
  })

  it('refuses a NaN score naming the tag, and shapes that do not fit', () => {
    const scores = Float32Array.from([0.1, 0.2, 0.3, NaN, 0.5, 0.6])
    const labels = Uint8Array.from([0, 1, 1, 0, 1, 0])
    expect(() => tagMetrics(scores, labels, ['rock', 'piano'])).toThrow(UserError)
    expect(() => tagMetrics(scores, labels, ['rock', 'piano'])).toThrow(/tag "piano".*NaN/)
    expect(() => tagMetrics(scores.subarray(0, 5), labels.subarray(0, 5), ['rock', 'piano'])).toThrow(/5 scores do not fill rows of 2 tags/)
    expect(() => tagMetrics(scores, labels.subarray(0, 4), ['rock', 'piano'])).toThrow(/6 scores but 4 labels/)
    expect(() => tagMetrics([], [], [])).toThrow(/no tag names/)
  })
})

describe('errors of the binary metrics', () => {
  it('refuse unequal lengths, labels other than 0/1, and non-finite scores', () => {
    expect(() => rocAuc([0.1, 0.2, 0.3], [0, 1])).toThrow(RangeError)
    expect(() => averagePrecision([0.1, 0.2], [0, 1, 1])).toThrow(/2 scores but 3 labels/)
    expect(() => rocAuc([0.1, 0.2], [0, 2])).toThrow(/label 2 at index 1 is neither 0 nor 1/)
    expect(() => rocAuc([0.1, NaN], [0, 1])).toThrow(/score NaN at index 1/)
    expect(() => averagePrecision([Infinity, 0.1], [0, 1])).toThrow(UserError)
  })
})

describe('evenWindows', () => {
  it('spreads the default count, ceil(length / window), from the start to the end', () => {
    expect(evenWindows(100, 30)).toEqual([0, 23, 47, 70])
    expect(evenWindows(90, 30)).toEqual([0, 30, 60]) // an exact fit: no overlap
    const starts = evenWindows(465_600, 59_049) // 29.1 s at 16 kHz, Lee et al.'s window
    expect(starts).toHaveLength(8)
    expect(starts.at(-1)! + 59_049).toBe(465_600)
  })

  it('every sample lies in some window with the default count', () => {
    for (const [length, window] of [[1000, 7], [59_049 * 3 + 1, 59_049], [31, 10]] as const) {
      const starts = evenWindows(length, window)
      for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeLessThanOrEqual(window)
      expect(starts[0]).toBe(0)
      expect(starts.at(-1)! + window).toBe(length)
    }
  })

  it('takes a count, centres a single window, and caps the count at the distinct starts', () => {
    expect(evenWindows(100, 30, 2)).toEqual([0, 70])
    expect(evenWindows(100, 30, 1)).toEqual([35])
    expect(evenWindows(33, 30, 10)).toEqual([0, 1, 2, 3])
    expect(evenWindows(20, 30)).toEqual([0])
    expect(evenWindows(30, 30, 5)).toEqual([0])
  })

  it('refuses lengths and counts that are not positive integers', () => {
    expect(() => evenWindows(0, 30)).toThrow(/clip length 0/)
    expect(() => evenWindows(100, 2.5)).toThrow(/window length 2.5/)
    expect(() => evenWindows(100, 30, 0)).toThrow(/window count 0/)
  })
})

describe('songPrediction', () => {
  it('is the mean over windows of each tag\'s score', () => {
    const windows = Float32Array.from([0.1, 0.9, 0.3, 0.5, 0.2, 0.4]) // 3 windows x 2 tags
    const song = songPrediction(windows, 3)
    expect(song).toHaveLength(2)
    expect(song[0]).toBeCloseTo((0.1 + 0.3 + 0.2) / 3, 7) // float32 inputs: 7 digits
    expect(song[1]).toBeCloseTo((0.9 + 0.5 + 0.4) / 3, 7)
    expect(Array.from(songPrediction([0.25, 0.75], 1))).toEqual([0.25, 0.75])
  })

  it('refuses scores that do not fill the windows', () => {
    expect(() => songPrediction([0.1, 0.2, 0.3], 2)).toThrow(/3 scores do not fill 2 windows/)
    expect(() => songPrediction([], 1)).toThrow(RangeError)
    expect(() => songPrediction([0.1], 0)).toThrow(RangeError)
  })
})
