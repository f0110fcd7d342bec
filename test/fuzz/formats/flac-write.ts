/*
 * A tiny FLAC encoder (VERBATIM subframes only) for the seed corpus. Verbatim is enough: the fuzz
 * targets are the container and frame headers, and an encoder of our own lets a mutation state the
 * sample rate through any header code, including 0000 "get from STREAMINFO" (issue 12, kind 3),
 * with every CRC correct.
 */
import { ascii, concat } from '../bytes'
import { BitWriter } from './bit-writer'
import { crc16, crc8 } from './crc'
import { testSignal } from './wav-write'

/** What to generate. */
export interface FlacSpec {
  channels: number
  bits: 8 | 12 | 16 | 20 | 24
  sampleRate: number
  frames: number
  blockSize: number
  /** Frame headers say "sample rate from STREAMINFO" (code 0000) instead of stating it. */
  rateFromStreaminfo?: boolean
  /** Bytes of PADDING metadata after STREAMINFO. */
  padding?: number
}

const RATE_CODES: Record<number, number> = { 88200: 1, 176400: 2, 192000: 3, 8000: 4, 16000: 5, 22050: 6, 24000: 7, 32000: 8, 44100: 9, 48000: 10, 96000: 11 }
const SIZE_CODES: Record<number, number> = { 8: 1, 12: 2, 16: 4, 20: 5, 24: 6 }

/** The 34-byte STREAMINFO body. */
export function streamInfo(spec: FlacSpec): Uint8Array {
  const w = new BitWriter()
  w.write(spec.blockSize, 16)
  w.write(spec.blockSize, 16)
  w.write(0, 24) // min frame size unknown
  w.write(0, 24) // max frame size unknown
  w.write(spec.sampleRate, 20)
  w.write(spec.channels - 1, 3)
  w.write(spec.bits - 1, 5)
  w.write(spec.frames, 36)
  for (let i = 0; i < 16; i++) w.write(0, 8) // MD5 unset: allowed, decoders skip the check
  return w.result
}

/** A metadata block header: last-block flag, type, 24-bit length. */
export function blockHeader(last: boolean, type: number, length: number): Uint8Array {
  return Uint8Array.of((last ? 0x80 : 0) | type, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff)
}

/** Encodes `spec` with testSignal as its samples. */
export function writeTestFlac(spec: FlacSpec): Uint8Array {
  const pad = spec.padding ?? 0
  const parts = [ascii('fLaC'), blockHeader(pad === 0, 0, 34), streamInfo(spec)]
  if (pad > 0) parts.push(blockHeader(true, 1, pad), new Uint8Array(pad))
  const full = 2 ** (spec.bits - 1) - 1
  for (let start = 0, n = 0; start < spec.frames; start += spec.blockSize, n++) {
    const size = Math.min(spec.blockSize, spec.frames - start)
    const w = new BitWriter()
    frameHeader(w, spec, size, n)
    for (let c = 0; c < spec.channels; c++) {
      w.write(0b00000010, 8) // zero bit, VERBATIM (000001), no wasted bits
      for (let i = 0; i < size; i++) w.write(Math.round(testSignal(c, start + i, spec.sampleRate) * full), spec.bits)
    }
    w.align()
    const frame = w.result
    const crc = crc16(frame)
    parts.push(frame, Uint8Array.of(crc >> 8, crc & 0xff))
  }
  return concat(...parts)
}

function frameHeader(w: BitWriter, spec: FlacSpec, size: number, index: number): void {
  const sizeCode = size <= 256 ? 6 : 7
  const rateCode = spec.rateFromStreaminfo ? 0 : (RATE_CODES[spec.sampleRate] ?? (spec.sampleRate <= 65535 ? 13 : 0))
  w.write(0xfff8, 16) // sync, reserved 0, fixed block size
  w.write(sizeCode, 4)
  w.write(rateCode, 4)
  w.write(spec.channels - 1, 4)
  w.write(SIZE_CODES[spec.bits]!, 3)
  w.write(0, 1)
  for (const b of utf8Number(index)) w.write(b, 8)
  w.write(size - 1, sizeCode === 6 ? 8 : 16)
  if (rateCode === 13) w.write(spec.sampleRate, 16)
  w.align()
  w.write(crc8(w.result), 8)
}

/** FLAC's UTF-8-style coding of a frame number (up to 31 bits). */
export function utf8Number(n: number): number[] {
  if (n < 0x80) return [n]
  let k = 1 // continuation bytes: each holds 6 bits, the lead byte 6 - k
  while (n >= 2 ** (6 * k + 6 - k)) k++
  const out = [((0xff << (7 - k)) & 0xff) | Math.floor(n / 2 ** (6 * k))]
  for (let i = k - 1; i >= 0; i--) out.push(0x80 | (Math.floor(n / 2 ** (6 * i)) & 0x3f))
  return out
}
