import { describe, expect, it } from 'vitest'
import { columnRect, waveformColumns } from '../../../src-renderer/src/lib/waveform'
import { METER_FLOOR_DB, meterFraction, meterZone, toDb } from '../../../src-renderer/src/lib/levels'
import { dbToRgb, spectrogramPixels } from '../../../src-renderer/src/lib/colormap'
import { formatEta, percent } from '../../../src-renderer/src/lib/progress'
import { metricsLabel, outputName, repairNote, shortNumber } from '../../../src-renderer/src/lib/labels'

const peaks = {
  peaksPerSecond: 10,
  min: new Float32Array([-0.1, -0.5, -0.2, -0.9, 0, -0.3, -0.4, -0.1, 0, -1]),
  max: new Float32Array([0.2, 0.1, 0.6, 0.3, 0, 0.8, 0.1, 0.2, 0.4, 0.5])
}

describe('waveform columns', () => {
  it('merges the peaks under each pixel when zoomed out (no transient is lost)', () => {
    // 5 px per second, 10 peaks per second: two peaks per column.
    const cols = waveformColumns(peaks, 0, { pxPerSecond: 5, scroll: 0 }, 100)
    expect(cols.map((c) => c.x)).toEqual([0, 1, 2, 3, 4])
    expect(cols.map((c) => [c.min, c.max].map((v) => Number(v.toFixed(2))))).toEqual([
      [-0.5, 0.2],
      [-0.9, 0.6],
      [-0.3, 0.8],
      [-0.4, 0.2],
      [-1, 0.5]
    ])
  })

  it('repeats a peak across pixels when zoomed in, and clips to the canvas and the clip start', () => {
    // 20 px/s: each peak (0.1 s) spans 2 px; clip starts at 1 s, view starts at 1.1 s.
    const cols = waveformColumns(peaks, 1, { pxPerSecond: 20, scroll: 1.1 }, 6)
    expect(cols.map((c) => c.x)).toEqual([0, 1, 2, 3, 4, 5])
    expect(cols.map((c) => c.max).map((v) => Number(v.toFixed(2)))).toEqual([0.1, 0.1, 0.6, 0.6, 0.3, 0.3])
  })

  it('draws nothing for a clip outside the view', () => {
    expect(waveformColumns(peaks, 100, { pxPerSecond: 20, scroll: 0 }, 500)).toEqual([])
  })

  it('turns a column into a rectangle centred on the lane, at least 1 px tall', () => {
    expect(columnRect({ x: 0, min: -0.5, max: 0.5 }, 100)).toEqual([25, 50])
    expect(columnRect({ x: 0, min: 0, max: 0 }, 100)).toEqual([50, 1])
    expect(columnRect({ x: 0, min: -2, max: 2 }, 100)).toEqual([0, 100])
  })
})

describe('level meters', () => {
  it('maps dBFS to a bar fraction between the floor and 0 dBFS', () => {
    expect(meterFraction(-Infinity)).toBe(0)
    expect(meterFraction(METER_FLOOR_DB)).toBe(0)
    expect(meterFraction(-30)).toBeCloseTo(0.5, 12)
    expect(meterFraction(0)).toBe(1)
    expect(meterFraction(6)).toBe(1)
    expect(meterFraction(NaN)).toBe(0)
  })
  it('colours levels by zone and converts amplitude to dB', () => {
    expect([meterZone(-20), meterZone(-6), meterZone(-1)]).toEqual(['ok', 'hot', 'clip'])
    expect(toDb(1)).toBe(0)
    expect(toDb(0.5)).toBeCloseTo(-6.0206, 4)
    expect(toDb(0)).toBe(-Infinity)
  })
})

describe('spectrogram colours', () => {
  it('runs from the darkest to the brightest stop and clamps outside the range', () => {
    expect(dbToRgb(-80, -80, 0)).toEqual([10, 10, 25])
    expect(dbToRgb(0, -80, 0)).toEqual([252, 250, 190])
    expect(dbToRgb(-200, -80, 0)).toEqual([10, 10, 25])
    expect(dbToRgb(50, -80, 0)).toEqual([252, 250, 190])
    // Brightness (sum of channels) never decreases with level.
    let last = -1
    for (let db = -80; db <= 0; db += 4) {
      const sum = dbToRgb(db, -80, 0).reduce((a, b) => a + b, 0)
      expect(sum).toBeGreaterThanOrEqual(last)
      last = sum
    }
  })
  it('puts low bands at the bottom row of the image', () => {
    // 1 frame, 2 bands: band 0 quiet, band 1 loud -> top pixel bright, bottom pixel dark.
    const px = spectrogramPixels(new Float32Array([-80, 0]), 1, 2, -80, 0)
    expect([...px.subarray(0, 4)]).toEqual([252, 250, 190, 255])
    expect([...px.subarray(4, 8)]).toEqual([10, 10, 25, 255])
  })
})

describe('progress and labels', () => {
  it('computes a clamped whole percentage and a readable ETA', () => {
    expect(percent(5, 20)).toBe(25)
    expect(percent(30, 20)).toBe(100)
    expect(percent(1, 0)).toBe(0)
    expect(formatEta(12_400)).toBe('12 s left')
    expect(formatEta(185_000)).toBe('3 min 05 s left')
    expect(formatEta(undefined)).toBe('')
  })
  it('labels an output with its method and metrics', () => {
    expect(outputName('gram', 2)).toBe('gram #2')
    expect(metricsLabel({ method: 'gram', iterations: 20, styleDistance: { content: 12.345, output: 4.5678 }, contentDistance: 0.4213 })).toBe(
      'style 12.3 → 4.57 · content 0.421'
    )
    expect(shortNumber(123456)).toBe('1.23e+5')
    expect(shortNumber(0)).toBe('0')
  })
})

describe('repairNote', () => {
  it('names the clip and the count when the decoder repaired samples, and says nothing otherwise', () => {
    expect(repairNote({ name: 'take.wav', nonFiniteSamples: 3 })).toBe('take.wav: 3 non-finite samples (NaN/Inf) repaired from their neighbours')
    expect(repairNote({ name: 'take.wav', nonFiniteSamples: 1 })).toBe('take.wav: 1 non-finite sample (NaN/Inf) repaired from their neighbours')
    expect(repairNote({ name: 'take.wav' })).toBe('')
  })
})
