/** Byte-level helpers shared by the format readers, writers and mutations. */

/** The bytes of an ASCII string. */
export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0))

/** ASCII text of `n` bytes at `at` ('' when out of range). */
export const text = (b: Uint8Array, at: number, n: number): string =>
  at >= 0 && at + n <= b.length ? String.fromCharCode(...b.subarray(at, at + n)) : ''

/** One array holding all parts in order. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** A DataView over exactly `b`. */
export const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength)

/** Every offset where `needle` occurs in `hay`. */
export function findAll(hay: Uint8Array, needle: Uint8Array): number[] {
  const out: number[] = []
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer
    out.push(i)
  }
  return out
}

/** A copy of `b` with `insert` placed at `at`. */
export const insertAt = (b: Uint8Array, at: number, insert: Uint8Array): Uint8Array => concat(b.subarray(0, at), insert, b.subarray(at))

/** A 32-bit little-endian value as 4 bytes. */
export function u32le(v: number): Uint8Array {
  const out = new Uint8Array(4)
  view(out).setUint32(0, v >>> 0, true)
  return out
}
