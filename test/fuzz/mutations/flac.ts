/*
 * FLAC mutations. STREAMINFO fields and metadata lengths that lie; frame-header fields changed
 * with both CRCs recomputed, so the change reaches the decoder's logic instead of its checksum
 * test; and the legal variants (rate code 0000, padding, an ID3 tag in front, total samples unknown).
 */
import { concat } from '../bytes'
import type { FuzzRng } from '../random'
import { crc16, crc8 } from '../formats/crc'
import { findFrames, readFlac, type FlacBlock, type FlacFrame, type FlacInfo } from '../formats/flac-read'
import { blockHeader } from '../formats/flac-write'
import { id3Tag } from '../formats/id3'
import type { AudioKind, Mutated, Mutation } from './types'

const FLAC: readonly AudioKind[] = ['flac']

/** A copy with STREAMINFO's bit field at bit offset `bit` (from the body's start), `width` bits wide, set to `value`. */
function setStreamInfoBits(b: Uint8Array, info: FlacInfo, bit: number, width: number, value: number): Uint8Array {
  const out = b.slice()
  const base = info.streamInfo!.body
  for (let i = 0; i < width; i++) {
    const pos = bit + i
    const on = Math.floor(value / 2 ** (width - 1 - i)) & 1
    const byte = base + (pos >> 3)
    const mask = 0x80 >> (pos & 7)
    out[byte] = on ? out[byte]! | mask : out[byte]! & ~mask
  }
  return out
}

/** A STREAMINFO field mutation: bit offset, width and the values worth trying. */
function streamInfoField(name: string, bit: number, width: number, values: number[], validWhen?: (v: number) => boolean): Mutation<AudioKind> {
  return {
    name,
    kinds: FLAC,
    apply(b, rng) {
      const info = readFlac(b)
      if (!info?.streamInfo || info.streamInfo.body + 18 > b.length) return null
      const value = rng.chance(0.8) ? rng.pick(values) : rng.int(2 ** Math.min(width, 30))
      return { bytes: setStreamInfoBits(b, info, bit, width, value), note: `${value}`, valid: validWhen?.(value) }
    }
  }
}

/**
 * Rebuilds every frame with `edit` applied to its header (CRC-8 excluded), then both CRCs
 * recomputed; the sample data is kept as it was.
 */
function rewriteFrames(b: Uint8Array, frames: FlacFrame[], edit: (header: number[], frameIndex: number) => number[]): Uint8Array {
  const parts: Uint8Array[] = [b.subarray(0, frames[0]!.at)]
  frames.forEach((f, i) => {
    const header = edit(Array.from(b.subarray(f.at, f.at + f.headerLength - 1)), i)
    const head = Uint8Array.from([...header, crc8(Uint8Array.from(header))])
    const body = concat(head, b.subarray(f.at + f.headerLength, f.end - 2))
    const crc = crc16(body)
    parts.push(body, Uint8Array.of(crc >> 8, crc & 0xff))
    const next = frames[i + 1]?.at ?? b.length
    parts.push(b.subarray(f.end, next))
  })
  return concat(...parts)
}

/** The frames of a parsable FLAC, or null. */
function framesOf(b: Uint8Array): { info: FlacInfo; frames: FlacFrame[] } | null {
  const info = readFlac(b)
  if (!info?.audioStart) return null
  const frames = findFrames(b, info.audioStart)
  return frames.length > 0 ? { info, frames } : null
}

/** A mutation of one metadata block's header, chosen at random, in a copy. */
function onBlock(name: string, edit: (out: Uint8Array, block: FlacBlock, rng: FuzzRng) => string): Mutation<AudioKind> {
  return {
    name,
    kinds: FLAC,
    apply(b, rng) {
      const info = readFlac(b)
      if (!info || info.blocks.length === 0) return null
      const out = b.slice()
      const note = edit(out, rng.pick(info.blocks), rng)
      return { bytes: out, note }
    }
  }
}

/** Bytes a header's rate code adds after the frame number (code 12: 1, codes 13 and 14: 2). */
const rateBytes = (code: number): number => (code === 12 ? 1 : code === 13 || code === 14 ? 2 : 0)

/** Every FLAC-specific mutation. */
export const flacMutations: Mutation<AudioKind>[] = [
  {
    name: 'flac-rate-from-streaminfo',
    kinds: FLAC,
    apply(b) {
      const found = framesOf(b)
      if (!found) return null
      // Code 0000: "get from STREAMINFO"; any stated-rate bytes at the header's end go with it.
      const bytes = rewriteFrames(b, found.frames, (h) => {
        const extra = rateBytes(h[2]! & 15)
        const out = h.slice(0, h.length - extra)
        out[2] = out[2]! & 0xf0
        return out
      })
      return { bytes, note: `${found.frames.length} frame headers`, valid: true }
    }
  },
  streamInfoField('flac-streaminfo-rate', 80, 20, [0, 1, 7, 8000, 44100, 655350, 768001, 0xfffff]),
  streamInfoField('flac-streaminfo-channels', 100, 3, [0, 1, 2, 3, 5, 7]),
  streamInfoField('flac-streaminfo-bits', 103, 5, [0, 2, 3, 7, 11, 15, 19, 23, 31]),
  streamInfoField('flac-streaminfo-total', 108, 36, [0, 1, 2, 1000, 2 ** 32, 2 ** 36 - 1], (v) => v === 0),
  streamInfoField('flac-streaminfo-blocksize', 0, 32, [0, 0x00010001, 0x000f000f, 0xffffffff, 0x00100010, 0x10000010]),
  onBlock('flac-block-length', (out, block, rng) => {
    const length = rng.pick([0, 1, 33, 35, block.length - 1, block.length + 1, 0xffffff, rng.int(0x1000000)])
    out.set([(length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff], block.at + 1)
    return `block type ${block.type} length ${block.length} -> ${length}`
  }),
  onBlock('flac-last-flag', (out, block) => {
    out[block.at] = out[block.at]! ^ 0x80
    return `block type ${block.type} at ${block.at}`
  }),
  {
    name: 'flac-padding',
    kinds: FLAC,
    apply(b, rng) {
      const info = readFlac(b)
      const si = info?.blocks[0]
      if (!info || !si || si.type !== 0) return null
      const n = rng.pick([0, 1, 100, 8192])
      // A PADDING block right after STREAMINFO, taking over its last-block flag.
      const head = b.slice(0, si.at + 4 + si.length)
      head[si.at] = head[si.at]! & 0x7f
      return { bytes: concat(head, blockHeader(si.last, 1, n), new Uint8Array(n), b.subarray(si.at + 4 + si.length)), note: `${n} bytes`, valid: true }
    }
  },
  {
    name: 'flac-id3-prefix',
    kinds: FLAC,
    apply: (b, rng) => (b[0] === 0x66 ? { bytes: concat(id3Tag(rng.pick([0, 10, 1000])), b), note: 'ID3v2.3 tag in front', valid: true } : null)
  },
  {
    name: 'flac-frame-field',
    kinds: FLAC,
    apply: (b, rng) => frameField(b, rng)
  }
]

/** One field of one (or every) frame header changed where it does not change the header's length. */
function frameField(b: Uint8Array, rng: FuzzRng): Mutated | null {
  const found = framesOf(b)
  if (!found) return null
  const field = rng.pick(['channels', 'sample-size', 'rate', 'block-size-value', 'frame-number'] as const)
  const all = rng.chance(0.5)
  const target = rng.int(found.frames.length)
  const value = rng.int(16)
  const bytes = rewriteFrames(b, found.frames, (h, i) => {
    if (!all && i !== target) return h
    const out = h.slice()
    if (field === 'channels') out[3] = (value << 4) | (out[3]! & 0x0f)
    if (field === 'sample-size') out[3] = (out[3]! & 0xf1) | ((value & 7) << 1)
    if (field === 'rate' && rateBytes(out[2]! & 15) === 0) out[2] = (out[2]! & 0xf0) | (value % 12)
    if (field === 'block-size-value' && (out[2]! >> 4 === 6 || out[2]! >> 4 === 7)) out[4 + numberBytes(out[4]!)] = rng.int(256)
    if (field === 'frame-number') out[4] = out[4]! < 0x80 ? rng.int(0x80) : out[4]!
    return out
  })
  return { bytes, note: `${field} = ${value} in ${all ? 'every frame' : `frame ${target}`}` }
}

/** Length of the UTF-8-coded frame number from its first byte. */
function numberBytes(lead: number): number {
  let n = 0
  while (n < 7 && (lead << n) & 0x80) n++
  return n === 0 ? 1 : n
}
