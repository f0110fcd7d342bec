/**
 * The ArrayBuffers inside a job's params or result that can move to the other thread without a copy.
 * Walks plain objects and arrays (params and results are shallow records; the depth bound and the
 * seen-set keep a cyclic or deep value from stalling the walk). A typed array is moved only when it
 * spans its whole buffer: moving a buffer detaches every view on it, and a partial view is usually a
 * slice of something bigger the sender still uses (Node's pooled small Buffers are such slices and
 * cannot be moved at all). SharedArrayBuffers are shared, never moved.
 */
export function collectTransferables(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>()
  const seen = new Set<object>()
  const walk = (v: unknown, depth: number): void => {
    if (typeof v !== 'object' || v === null || depth > MAX_DEPTH || seen.has(v)) return
    seen.add(v)
    if (v instanceof ArrayBuffer) {
      found.add(v)
    } else if (ArrayBuffer.isView(v)) {
      const buf = v.buffer
      if (buf instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === buf.byteLength) found.add(buf)
    } else if (Array.isArray(v)) {
      for (const item of v) walk(item, depth + 1)
    } else if (isPlainObject(v)) {
      for (const item of Object.values(v)) walk(item, depth + 1)
    }
  }
  walk(value, 0)
  return [...found]
}

/** Deep enough for { audio: { channels: [Float32Array] } }-shaped records with room to spare. */
const MAX_DEPTH = 8

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}
