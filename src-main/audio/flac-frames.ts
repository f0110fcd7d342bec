/**
 * FLAC frame headers and CRCs (FLAC format, RFC 9639 section 9.1), read without decoding: what the
 * probe needs to check a stream's frames against its STREAMINFO and to count its samples from the
 * last frame, so the header reader agrees with the decoder. Hand-written: the decoders read whole
 * streams, and no maintained npm package parses one FLAC frame header with its CRC.
 */

/** CRC-8 of frame headers (polynomial 0x07) and CRC-16 of frames (0x8005), both MSB-first, init 0. */
const CRC8 = Uint8Array.from({ length: 256 }, (_, byte) => {
  let c = byte
  for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff
  return c
})
const CRC16 = Uint16Array.from({ length: 256 }, (_, byte) => {
  let c = byte << 8
  for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff
  return c
})

/**
 * Where the frames start in a FLAC stream whose "fLaC" marker is at `at`: past every metadata
 * block (each a 4-byte header with a last-block flag and a 24-bit length). `last` is false when
 * `b` ended before the block flagged last; `end` may then lie past `b` (lengths that lie).
 */
export function metadataEnd(b: Uint8Array, at: number): { end: number; last: boolean } {
  let p = at + 4
  let last = false
  while (!last && p + 4 <= b.length) {
    last = (b[p]! & 0x80) !== 0
    p += 4 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!)
  }
  return { end: p, last }
}

/** CRC-16 state after `b[from, to)` starting from `crc`. A frame followed by its footer leaves 0. */
export function crc16(b: Uint8Array, from: number, to: number, crc = 0): number {
  for (let i = from; i < to; i++) crc = ((crc << 8) & 0xffff) ^ CRC16[(crc >> 8) ^ b[i]!]!
  return crc
}

/** CRC-8 of `b[from, to)`: a frame header's bytes give the value stored after them. */
export function crc8(b: ArrayLike<number>, from: number, to: number): number {
  let crc = 0
  for (let i = from; i < to; i++) crc = CRC8[crc ^ b[i]!]!
  return crc
}

/** What one frame header says. */
export interface FlacFrameHeader {
  /** Variable block size: `number` counts samples, not frames. */
  variable: boolean
  /** Frame number (fixed block size) or first sample number (variable). */
  number: number
  blockSize: number
  /** Explicit rate, or undefined when the header defers to STREAMINFO (code 0000). */
  sampleRate?: number
  channels: number
  /** Explicit bits per sample, or undefined when deferring to STREAMINFO (code 000). */
  bits?: number
  /** Bytes of the header, CRC-8 included. */
  length: number
}

const RATES: Record<number, number> = { 1: 88200, 2: 176400, 3: 192000, 4: 8000, 5: 16000, 6: 22050, 7: 24000, 8: 32000, 9: 44100, 10: 48000, 11: 96000 }
const BITS: Record<number, number | undefined> = { 0: undefined, 1: 8, 2: 12, 4: 16, 5: 20, 6: 24, 7: 32 }

/** True when b[at..] begins with a frame sync code (0xFFF8 fixed, 0xFFF9 variable block size). */
export const isFrameSync = (b: Uint8Array, at: number): boolean => b[at] === 0xff && (b[at + 1] === 0xf8 || b[at + 1] === 0xf9)

/** Parses the frame header at `at`, or returns null when it is not one (bad codes or CRC-8). */
export function parseFrameHeader(b: Uint8Array, at: number): FlacFrameHeader | null {
  if (at + 6 > b.length || !isFrameSync(b, at)) return null
  const bsCode = b[at + 2]! >> 4
  const rateCode = b[at + 2]! & 0x0f
  const chanCode = b[at + 3]! >> 4
  const bitsCode = (b[at + 3]! >> 1) & 7
  if (bsCode === 0 || rateCode === 15 || chanCode > 10 || bitsCode === 3 || (b[at + 3]! & 1) !== 0) return null
  // The coded number: UTF-8's scheme stretched to 36 bits (1 to 7 bytes).
  let p = at + 4
  const first = b[p++]!
  let extra: number
  let number: number
  if (first < 0x80) [extra, number] = [0, first]
  else if (first >= 0xc0 && first < 0xe0) [extra, number] = [1, first & 0x1f]
  else if (first >= 0xe0 && first < 0xf0) [extra, number] = [2, first & 0x0f]
  else if (first >= 0xf0 && first < 0xf8) [extra, number] = [3, first & 0x07]
  else if (first >= 0xf8 && first < 0xfc) [extra, number] = [4, first & 0x03]
  else if (first >= 0xfc && first < 0xfe) [extra, number] = [5, first & 0x01]
  else if (first === 0xfe) [extra, number] = [6, 0]
  else return null
  for (let k = 0; k < extra; k++) {
    const c = b[p++]
    if (c === undefined || (c & 0xc0) !== 0x80) return null
    number = number * 64 + (c & 0x3f)
  }
  let blockSize: number
  if (bsCode === 1) blockSize = 192
  else if (bsCode <= 5) blockSize = 576 * 2 ** (bsCode - 2)
  else if (bsCode === 6) blockSize = (b[p++] ?? 0) + 1
  else if (bsCode === 7) blockSize = (((b[p++] ?? 0) << 8) | (b[p++] ?? 0)) + 1
  else blockSize = 256 * 2 ** (bsCode - 8)
  let sampleRate: number | undefined = RATES[rateCode]
  if (rateCode === 12) sampleRate = (b[p++] ?? 0) * 1000
  else if (rateCode === 13) sampleRate = ((b[p++] ?? 0) << 8) | (b[p++] ?? 0)
  else if (rateCode === 14) sampleRate = (((b[p++] ?? 0) << 8) | (b[p++] ?? 0)) * 10
  if (p >= b.length) return null
  if (crc8(b, at, p) !== b[p]) return null
  return { variable: b[at + 1] === 0xf9, number, blockSize, sampleRate, channels: chanCode < 8 ? chanCode + 1 : 2, bits: BITS[bitsCode], length: p + 1 - at }
}

/**
 * The first intact frame at or after `from` in `b`: a valid header whose bytes up to the next
 * valid header (or the end of `b` when `atEnd`) carry a matching CRC-16. Returns its header, or
 * null when none is found (or `b` ends before one is complete: then nothing is known).
 */
export function firstIntactFrame(b: Uint8Array, from: number, atEnd: boolean): FlacFrameHeader | null | 'unknown' {
  for (let at = from; at + 6 <= b.length; at++) {
    const header = parseFrameHeader(b, at)
    if (!header) continue
    let crc = crc16(b, at, at + header.length)
    for (let q = at + header.length; q < b.length; q++) {
      crc = crc16(b, q, q + 1, crc)
      // A frame ends where the running CRC-16 (footer included) is 0: at the end, or before a header.
      if (crc === 0 && (q + 1 === b.length ? atEnd : parseFrameHeader(b, q + 1) !== null)) return header
    }
    if (!atEnd) return 'unknown' // the frame runs past the bytes read
  }
  return null
}

/**
 * Samples in the stream counted from its last intact frame, found from the end of `tail` (the
 * file's last bytes): the last valid header whose frame (to a later header or the end of the file)
 * carries a matching CRC-16. Its start (frameStart) plus its block size is the total. A fixed-block
 * stream's block size is the one most intact frames before it in the tail share (as the decoder's
 * commonBlockSize decides, ties to `declared`), else `fallback`. A cut-off or damaged last frame is
 * not counted, as the decoder drops it. Null when no intact frame is in `tail` (a tag after the
 * audio, a frame longer than the tail).
 */
export function totalFromLastFrame(tail: Uint8Array, declared: number, fallback = declared): number | null {
  const later: number[] = [tail.length] // ends a frame may have: later headers, then the end
  let last: FlacFrameHeader | null = null
  const before: number[] = []
  for (let at = tail.length - 6; at >= 0; at--) {
    if (!isFrameSync(tail, at)) continue
    const header = parseFrameHeader(tail, at)
    if (!header) continue
    if (later.slice(-MAX_MERGE - 1).some((end) => crc16(tail, at, end) === 0)) {
      if (last === null) last = header
      else before.push(header.blockSize)
      if (last.variable) break
    }
    later.push(at)
  }
  if (last === null) return null
  return frameStart(last, before.length > 0 ? modeBlockSize(before, declared) : fallback) + last.blockSize
}

/** The most frequent of `sizes`, ties going to `declared` (STREAMINFO's), then to the smaller. */
export function modeBlockSize(sizes: readonly number[], declared: number): number {
  const counts = new Map<number, number>()
  for (const size of sizes) counts.set(size, (counts.get(size) ?? 0) + 1)
  let best = declared
  let n = 0
  for (const [size, c] of counts) {
    if (c > n || (c === n && (size === declared || (best !== declared && size < best)))) [best, n] = [size, c]
  }
  return best
}

/** One frame of a stream as the decoder gets it: its bytes, its header, and whether its CRC-16 holds. */
export interface FramePiece {
  bytes: Uint8Array
  header: FlacFrameHeader
  blockSize: number
  intact: boolean
}

/**
 * Where a frame's first sample goes: its sample number (variable block size), or its frame number
 * times the stream's block size (fixed: every frame but the last has the same block size).
 */
export const frameStart = (h: FlacFrameHeader, blockSize: number): number => (h.variable ? h.number : h.number * blockSize)

/**
 * The block size of a fixed-block stream: the one most intact frames but the last share (only the
 * last may be shorter), ties going to STREAMINFO's `declared` size, then to the smaller. One frame
 * that lies about its size (or a STREAMINFO that does) cannot move every later sample.
 */
export function commonBlockSize(pieces: readonly FramePiece[], declared: number): number {
  let end = pieces.length - 1
  while (end >= 0 && !pieces[end]!.intact) end--
  const sizes = pieces.slice(0, Math.max(0, end)).filter((p) => p.intact).map((p) => p.blockSize)
  return sizes.length > 0 ? modeBlockSize(sizes, declared) : declared
}

/** Later headers tried as a frame's end before it is taken for damaged (false headers inside a frame). */
const MAX_MERGE = 8

/**
 * Cuts the frames of a stream (`b` from `from`, where the audio starts) at their headers. A frame
 * runs from its header to the next header at which the running CRC-16 is 0; a valid-looking header
 * inside a frame's data is skipped that way. A frame whose CRC never closes within MAX_MERGE headers
 * is damaged: it keeps its header's block size, so the decoder can put silence in its place and
 * every later sample stays where it belongs (what `flac -d -F` does).
 */
export function splitFlacFrames(b: Uint8Array, from: number): FramePiece[] {
  const heads: { at: number; header: FlacFrameHeader }[] = []
  for (let at = from; at + 6 <= b.length; at++) {
    if (b[at] !== 0xff) continue
    const h = parseFrameHeader(b, at)
    if (h) heads.push({ at, header: h })
  }
  const pieces: FramePiece[] = []
  let i = 0
  while (i < heads.length) {
    const start = heads[i]!.at
    let crc = 0
    let pos = start
    let end = -1
    for (let j = i + 1; j <= Math.min(heads.length, i + MAX_MERGE); j++) {
      const at = j < heads.length ? heads[j]!.at : b.length
      crc = crc16(b, pos, at, crc)
      pos = at
      if (crc === 0) {
        end = j
        break
      }
    }
    if (end < 0) {
      const next = i + 1 < heads.length ? heads[i + 1]!.at : b.length
      pieces.push({ bytes: b.subarray(start, next), header: heads[i]!.header, blockSize: heads[i]!.header.blockSize, intact: false })
      i++
    } else {
      pieces.push({ bytes: b.subarray(start, end < heads.length ? heads[end]!.at : b.length), header: heads[i]!.header, blockSize: heads[i]!.header.blockSize, intact: true })
      i = end
    }
  }
  return pieces
}

const RATE_CODES = new Map(Object.entries(RATES).map(([code, rate]) => [rate, Number(code)]))
const BITS_CODES = new Map([[8, 1], [12, 2], [16, 4], [20, 5], [24, 6], [32, 7]])

/**
 * The same frame with a header that states its sample rate and bits per sample (from STREAMINFO)
 * where the original defers to STREAMINFO (codes 0000 / 000), both CRCs recomputed; null when a
 * value has no code. The decoder is handed frames one by one without STREAMINFO, so a deferring
 * frame must say its values itself (handing libFLAC STREAMINFO instead makes the wasm build overrun
 * on some valid streams).
 */
export function explicitFrame(frame: Uint8Array, h: FlacFrameHeader, rate: number, bits: number): Uint8Array | null {
  const bsCode = frame[2]! >> 4
  const rateCode = frame[2]! & 0x0f
  const numberBytes = h.length - 5 - (bsCode === 6 ? 1 : bsCode === 7 ? 2 : 0) - (rateCode === 12 ? 1 : rateCode === 13 || rateCode === 14 ? 2 : 0)
  const prefixEnd = 4 + numberBytes + (bsCode === 6 ? 1 : bsCode === 7 ? 2 : 0)
  let newRate = rateCode
  let rateBytes: number[] = [...frame.subarray(prefixEnd, h.length - 1)]
  if (rateCode === 0) {
    rateBytes = []
    const code = RATE_CODES.get(rate)
    if (code !== undefined) newRate = code
    else if (rate % 1000 === 0 && rate / 1000 <= 255) [newRate, rateBytes] = [12, [rate / 1000]]
    else if (rate <= 65535) [newRate, rateBytes] = [13, [rate >> 8, rate & 0xff]]
    else if (rate % 10 === 0 && rate / 10 <= 65535) [newRate, rateBytes] = [14, [(rate / 10) >> 8, (rate / 10) & 0xff]]
    else return null
  }
  let bitsCode = (frame[3]! >> 1) & 7
  if (bitsCode === 0) {
    const code = BITS_CODES.get(bits)
    if (code === undefined) return null
    bitsCode = code
  }
  const header = [0xff, frame[1]!, (bsCode << 4) | newRate, (frame[3]! & 0xf0) | (bitsCode << 1), ...frame.subarray(4, prefixEnd), ...rateBytes]
  header.push(crc8(header, 0, header.length))
  const body = frame.subarray(h.length, frame.length - 2)
  const out = new Uint8Array(header.length + body.length + 2)
  out.set(header)
  out.set(body, header.length)
  const crc = crc16(out, 0, out.length - 2)
  out[out.length - 2] = crc >> 8
  out[out.length - 1] = crc & 0xff
  return out
}
