import { describe, expect, it } from 'vitest'
import { generationRate } from '../../../src-main/api/wavenet-generation'

describe('generation rate on progress', () => {
  it('counts every stream and gives the realtime factor at the rate total / seconds', () => {
    // 4000 of 8000 samples (1 s at 8 kHz) in 0.5 s, two streams: 16,000 samples/s, 2x realtime.
    expect(generationRate({ step: 4000, total: 8000, streams: 2, elapsedMs: 500, seconds: 1 })).toEqual({ samplesPerSecond: 16000, realtimeFactor: 2 })
  })

  it('gives no realtime factor without the seconds (a run as long as its mel frames)', () => {
    expect(generationRate({ step: 100, total: 800, streams: 1, elapsedMs: 50 })).toEqual({ samplesPerSecond: 2000 })
  })

  it('gives nothing before the first sample or before time has passed', () => {
    expect(generationRate({ step: 0, total: 800, streams: 1, elapsedMs: 10, seconds: 0.1 })).toBeNull()
    expect(generationRate({ step: 10, total: 800, streams: 1, elapsedMs: 0, seconds: 0.1 })).toBeNull()
  })
})
