/*
 * An independent FLAC structure reader for the oracles and mutations: the metadata block chain,
 * STREAMINFO's fields, and the frames (found by sync code, header CRC-8 and frame CRC-16, so a
 * sync pattern inside sample data is not taken for a frame).
 */
import { text } from '../bytes'
import { crc16, crc8 } from './crc'
import { id3End } from './id3'

/** One metadata block; `at` is its 4-byte header. */
export interface FlacBlock {
  at: number
  type: number
  last: boolean
  length: number
}

/** STREAMINFO's fields; `body` is where its 34 bytes start. */
export interface StreamInfo {
  body: number
  sampleRate: number
  channels: number
  bits: number
  totalSamples: number
}

/** The frames of a stream: each from `at` (header of `headerLength` bytes) up to `end`. */
export interface FlacFrame {
  at: number
  headerLength: number
  end: number
}

/** What a FLAC file's metadata says. */
export interface FlacInfo {
  magic: number
  blocks: FlacBlock[]
  streamInfo?: StreamInfo
  /** First byte after the metadata chain (where frames start), when the chain ended with a last-flag. */
  audioStart?: number
}

/** Reads the metadata of a FLAC stream whose "fLaC" starts at `magic` (0 or after an ID3 tag). */
export function readFlac(b: Uint8Array, magic = id3End(b)): FlacInfo | null {
  if (magic < 0 || text(b, magic, 4) !== 'fLaC') return null
  const blocks: FlacBlock[] = []
  let at = magic + 4
  let audioStart: number | undefined
  while (at + 4 <= b.length) {
    const block = { at, type: b[at]! & 0x7f, last: (b[at]! & 0x80) !== 0, length: (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]! }
    blocks.push(block)
    at += 4 + block.length
    if (block.last) {
      audioStart = at
      break
    }
  }
  const si = blocks[0]
  let streamInfo: StreamInfo | undefined
  if (si && si.type === 0 && si.at + 4 + 18 <= b.length) {
    const s = si.at + 4
    streamInfo = {
      body: s,
      sampleRate: (b[s + 10]! << 12) | (b[s + 11]! << 4) | (b[s + 12]! >> 4),
      channels: ((b[s + 12]! >> 1) & 7) + 1,
      bits: (((b[s + 12]! & 1) << 4) | (b[s + 13]! >> 4)) + 1,
      totalSamples: (b[s + 13]! & 0x0f) * 2 ** 32 + ((b[s + 14]! << 24) >>> 0) + (b[s + 15]! << 16) + (b[s + 16]! << 8) + b[s + 17]!
    }
  }
  return { magic, blocks, streamInfo, audioStart }
}

/** Length of a frame header at `at` including its CRC-8, or null when the bytes are not one. */
export function frameHeaderLength(b: Uint8Array, at: number): number | null {
  if (at + 6 > b.length || b[at] !== 0xff || (b[at + 1]! & 0xfe) !== 0xf8) return null
  const sizeCode = b[at + 2]! >> 4
  const rateCode = b[at + 2]! & 15
  const chan = b[at + 3]! >> 4
  if (sizeCode === 0 || rateCode === 15 || chan > 10 || ((b[at + 3]! >> 1) & 7) === 3 || (b[at + 3]! & 1) !== 0) return null
  const lead = b[at + 4]!
  let extra = 0
  while (extra < 7 && (lead << extra) & 0x80) extra++
  // A leading 0 is one byte; 110xxxxx two; ... 11111110 seven (variable-block sample numbers).
  const numberBytes = extra === 0 ? 1 : extra === 1 ? -1 : extra
  if (numberBytes < 0) return null
  let pos = at + 4 + numberBytes
  if (sizeCode === 6) pos += 1
  if (sizeCode === 7) pos += 2
  if (rateCode === 12) pos += 1
  if (rateCode === 13 || rateCode === 14) pos += 2
  if (pos >= b.length || crc8(b.subarray(at, pos)) !== b[pos]) return null
  return pos + 1 - at
}

/** The frames from `from` on whose header CRC-8 and frame CRC-16 both hold. */
export function findFrames(b: Uint8Array, from: number): FlacFrame[] {
  const starts: { at: number; headerLength: number }[] = []
  for (let i = from; i + 1 < b.length; i++) {
    if (b[i] !== 0xff) continue
    const headerLength = frameHeaderLength(b, i)
    if (headerLength !== null) starts.push({ at: i, headerLength })
  }
  const frames: FlacFrame[] = []
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k]!
    // The frame ends where a later candidate makes its CRC-16 hold (a false sync inside it fails).
    for (let j = k + 1; j <= starts.length; j++) {
      const end = j < starts.length ? starts[j]!.at : b.length
      if (end - s.at < s.headerLength + 3) continue
      if (crc16(b.subarray(s.at, end - 2)) === ((b[end - 2]! << 8) | b[end - 1]!)) {
        frames.push({ at: s.at, headerLength: s.headerLength, end })
        k = j - 1
        break
      }
    }
  }
  return frames
}
