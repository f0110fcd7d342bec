/** Spectrogram colours: dB to a dark-to-bright ramp that reads well on the dark theme. */

// Ramp stops (position 0..1 -> RGB): near-black blue, violet, orange, pale yellow (an inferno-like
// perceptual order, hand-picked: five stops are all a lane-height spectrogram can show).
const STOPS: Array<[number, [number, number, number]]> = [
  [0, [10, 10, 25]],
  [0.3, [70, 20, 110]],
  [0.6, [200, 60, 60]],
  [0.85, [250, 160, 40]],
  [1, [252, 250, 190]]
]

/** RGB of a level between minDb (darkest) and maxDb (brightest). */
export function dbToRgb(db: number, minDb: number, maxDb: number): [number, number, number] {
  const span = maxDb - minDb
  const p = span > 0 ? Math.min(1, Math.max(0, (db - minDb) / span)) : 0
  for (let i = 1; i < STOPS.length; i++) {
    const [p1, c1] = STOPS[i]!
    const [p0, c0] = STOPS[i - 1]!
    if (p <= p1) {
      const f = (p - p0) / (p1 - p0)
      return [0, 1, 2].map((k) => Math.round(c0[k]! + (c1[k]! - c0[k]!) * f)) as [number, number, number]
    }
  }
  return STOPS[STOPS.length - 1]![1]
}

/** RGBA pixels (frames wide, bands tall, low bands at the bottom) of a frame-major dB spectrogram. */
export function spectrogramPixels(data: Float32Array, frames: number, bands: number, minDb: number, maxDb: number): Uint8ClampedArray {
  const px = new Uint8ClampedArray(frames * bands * 4)
  for (let t = 0; t < frames; t++) {
    for (let b = 0; b < bands; b++) {
      const [r, g, bl] = dbToRgb(data[t * bands + b]!, minDb, maxDb)
      const o = ((bands - 1 - b) * frames + t) * 4
      px[o] = r
      px[o + 1] = g
      px[o + 2] = bl
      px[o + 3] = 255
    }
  }
  return px
}
