import { describe, expect, test } from 'vitest'
import { createEtaEstimator, estimateEtaMs } from '../../../src-main/jobs/eta'

describe('estimateEtaMs', () => {
  test('remaining steps at the average rate so far', () => {
    expect(estimateEtaMs(1, 4, 100)).toBe(300)
    expect(estimateEtaMs(3, 4, 300)).toBe(100)
    expect(estimateEtaMs(4, 4, 400)).toBe(0)
    expect(estimateEtaMs(5, 4, 400)).toBe(0)
  })

  test('undefined where there is nothing to go on', () => {
    expect(estimateEtaMs(0, 4, 100)).toBeUndefined()
    expect(estimateEtaMs(1, 0, 100)).toBeUndefined()
    expect(estimateEtaMs(1, 4, Number.NaN)).toBeUndefined()
  })
})

describe('createEtaEstimator', () => {
  test('times later steps from the first report, so set-up time does not count', () => {
    const eta = createEtaEstimator(0)
    // 1 s of set-up, then 10 ms per step.
    expect(eta({ step: 1, total: 101 }, 1000)).toBe(100_000)
    expect(eta({ step: 11, total: 101 }, 1100)).toBe(900)
    expect(eta({ step: 101, total: 101 }, 2000)).toBe(0)
  })

  test('a new phase (or a step count that restarts) starts a new reference', () => {
    const eta = createEtaEstimator(0)
    eta({ step: 1, total: 10, phase: 'analyse' }, 100)
    eta({ step: 10, total: 10, phase: 'analyse' }, 1000)
    expect(eta({ step: 1, total: 5, phase: 'optimise' }, 1100)).toBe(4 * 1100)
    expect(eta({ step: 3, total: 5, phase: 'optimise' }, 1300)).toBe(200)
    expect(eta({ step: 1, total: 5, phase: 'optimise' }, 1400)).toBe(4 * 1400)
  })
})
