import type { Samples } from '../../util/units'

/** One segment of a longer signal: where it starts and how long it is. */
export interface Segment {
  start: Samples
  length: Samples
}

/**
 * Splits `length` samples into segments of at most `segment` samples overlapping by `overlap`,
 * so long content is processed in bounded memory. One segment when the signal fits.
 */
export function planSegments(length: Samples, segment: Samples, overlap: Samples): Segment[] {
  if (length <= segment) return [{ start: 0, length }]
  const stride = segment - overlap
  const count = Math.ceil((length - overlap) / stride)
  const out: Segment[] = []
  for (let i = 0; i < count; i++) {
    const start = Math.min(i * stride, length - segment)
    out.push({ start, length: segment })
  }
  return out
}

/**
 * Joins processed segments with an equal-power (sin/cos) crossfade over each overlap: stylised
 * segments are not phase-coherent with each other, so equal power, not equal gain, keeps the
 * level steady through the join.
 */
export function crossfadeJoin(parts: Float32Array[], segments: Segment[], length: Samples): Float32Array {
  const out = new Float32Array(length)
  let written = 0
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    const { start } = segments[i]!
    const overlap = Math.max(0, written - start)
    for (let j = 0; j < part.length; j++) {
      const pos = start + j
      if (j < overlap) {
        const t = (j + 0.5) / overlap
        out[pos] = out[pos]! * Math.cos((t * Math.PI) / 2) + part[j]! * Math.sin((t * Math.PI) / 2)
      } else {
        out[pos] = part[j]!
      }
    }
    written = start + part.length
  }
  return out
}
