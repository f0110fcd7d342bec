/*
 * WAV reader, hand-written on purpose: wavefile 11 (installed) reads WAVE_FORMAT_EXTENSIBLE float as
 * 32-bit integers, accepts ADPCM as if it were 4-bit PCM, reports a truncated header as a missing
 * data chunk and copies the whole data chunk before converting. This walks the RIFF chunks itself,
 * refuses what it cannot decode by name, and converts straight into per-channel Float32Arrays.
 */
import { UserError } from '../util/errors'
import type { RawAudio } from './types'

const WAVE_FORMAT_PCM = 0x0001
const WAVE_FORMAT_IEEE_FLOAT = 0x0003
const WAVE_FORMAT_EXTENSIBLE = 0xfffe
/** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE GUID (xxxxxxxx-0000-0010-8000-00aa00389b71); 0..1 = format code. */
export const SUBTYPE_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]

const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'mu-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MP3'
}

interface Fmt {
  code: number
  channels: number
  sampleRate: number
  blockAlign: number
  bits: number
  validBits: number
}

/** Where the samples are and how to read them: everything a WAV header says, checked. */
export interface WavLayout {
  fmt: Fmt
  dataStart: number
  frames: number
  littleEndian: boolean
  reader: Reader
}

/** A data-chunk size that means "the samples run to the end of the file" (streaming writers). */
const TO_END_OF_FILE = new Set([0, 0xffffffff])

/**
 * Walks the RIFF chunks and validates the header without touching samples, so bad files are
 * refused cheaply (truncated header, unsupported encoding, no samples). `bytes` may be only the
 * head of the file: `fileSize` (default: all of `bytes`) is what caps a data size that claims more
 * than the file holds. A data size of 0 or 0xFFFFFFFF (a stream whose writer never went back to fill
 * it in) means "to the end of the file", and RF64's ds64 chunk gives the real size.
 */
export function readWavLayout(bytes: Uint8Array, name: string, fileSize = bytes.byteLength): WavLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const tag = String.fromCharCode(...bytes.subarray(0, 4))
  const le = tag !== 'RIFX'
  let fmt: Fmt | undefined
  let data: { start: number; size: number } | undefined
  let rf64DataSize: number | undefined
  let at = 12
  while (at + 8 <= bytes.length) {
    const id = String.fromCharCode(...bytes.subarray(at, at + 4))
    const size = view.getUint32(at + 4, le)
    const body = at + 8
    if (id === 'ds64' && size >= 16 && body + 16 <= bytes.length) rf64DataSize = Number(view.getBigUint64(body + 8, true))
    if (id === 'fmt ') fmt = readFmt(view, body, size, le, name)
    if (id === 'data') {
      const present = Math.max(0, fileSize - body)
      const toEnd = TO_END_OF_FILE.has(size)
      const stated = size === 0xffffffff && rf64DataSize !== undefined ? rf64DataSize : toEnd ? present : size
      // A stated size is only a claim: it is capped at the bytes actually there.
      data = { start: body, size: Math.min(stated, present) }
      // Nothing can follow samples that run to the end, so the walk stops there too.
      if (fmt || toEnd) break
    }
    at = body + size + (size & 1) // chunks are padded to even length
  }
  if (!fmt) throw new UserError(`${name}: truncated WAV header (no complete "fmt " chunk before the samples)`)
  if (!data) throw new UserError(`${name}: truncated WAV header (no "data" chunk)`)
  const reader = sampleReader(fmt, name)
  // A file cut off mid-write keeps every whole frame it has; a partial last frame is dropped.
  const frames = Math.floor(data.size / fmt.blockAlign)
  if (frames === 0) throw new UserError(`${name}: WAV file contains no audio samples`)
  return { fmt, dataStart: data.start, frames, littleEndian: le, reader }
}

/** Decodes a WAV byte buffer (RIFF, RIFX or RF64; PCM 8-32 bit, float 32/64, plain or extensible). */
export function decodeWav(bytes: Uint8Array, name: string): RawAudio {
  const { fmt, dataStart, frames, littleEndian: le, reader } = readWavLayout(bytes, name)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const bytesPerSample = fmt.blockAlign / fmt.channels
  const channels = Array.from({ length: fmt.channels }, () => new Float32Array(frames))
  for (let c = 0; c < fmt.channels; c++) {
    const out = channels[c]!
    let p = dataStart + c * bytesPerSample
    for (let i = 0; i < frames; i++, p += fmt.blockAlign) out[i] = reader(view, p, le)
  }
  const codec = le ? reader.codec : reader.codec.replace(/le$/, 'be')
  return { sampleRate: fmt.sampleRate, channels, format: { container: 'wav', codec, bitDepth: fmt.validBits } }
}

function readFmt(view: DataView, at: number, size: number, le: boolean, name: string): Fmt {
  if (size < 16 || at + 16 > view.byteLength) throw new UserError(`${name}: truncated WAV header ("fmt " chunk of ${size} bytes)`)
  let code = view.getUint16(at, le)
  const channels = view.getUint16(at + 2, le)
  const sampleRate = view.getUint32(at + 4, le)
  const blockAlign = view.getUint16(at + 12, le)
  const bits = view.getUint16(at + 14, le)
  let validBits = bits
  if (code === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40 || at + 40 > view.byteLength) throw new UserError(`${name}: truncated WAV header (short WAVE_FORMAT_EXTENSIBLE "fmt " chunk)`)
    validBits = view.getUint16(at + 18, le) || bits
    const guid = new Uint8Array(view.buffer, view.byteOffset + at + 24, 16)
    const known = SUBTYPE_TAIL.every((v, i) => guid[i + 2] === v)
    code = known ? view.getUint16(at + 24, le) : -1
  }
  if (channels === 0) throw new UserError(`${name}: WAV header states 0 channels`)
  if (sampleRate === 0) throw new UserError(`${name}: WAV header states a sample rate of 0 Hz`)
  if (blockAlign === 0 || blockAlign % channels !== 0) throw new UserError(`${name}: WAV header has an inconsistent block size (${blockAlign} bytes for ${channels} channels)`)
  // A frame is one container of bits/8 bytes per channel; a header where the three disagree cannot
  // say how long the file is or how to read it (readers differ: sox follows the bits, others the block).
  const container = Math.ceil(bits / 8)
  const linear = code === WAVE_FORMAT_PCM || code === WAVE_FORMAT_IEEE_FLOAT // compressed codes have blocks of their own
  if (linear && (bits === 0 || blockAlign !== channels * container)) {
    throw new UserError(`${name}: WAV header is inconsistent (${channels} channels of ${bits}-bit samples need ${channels * container}-byte frames, the header says ${blockAlign})`)
  }
  return { code, channels, sampleRate, blockAlign, bits, validBits }
}

type Reader = ((view: DataView, at: number, le: boolean) => number) & { codec: string }

const reader = (codec: string, fn: (view: DataView, at: number, le: boolean) => number): Reader => Object.assign(fn, { codec })

// Integer PCM scales by 2^(bits-1) of the container, so full scale negative maps to exactly -1.
const READERS: Record<string, Reader> = {
  'pcm-1': reader('pcm_u8', (v, p) => (v.getUint8(p) - 128) / 128),
  'pcm-2': reader('pcm_s16le', (v, p, le) => v.getInt16(p, le) / 32768),
  'pcm-3': reader('pcm_s24le', (v, p, le) =>
    le
      ? ((v.getInt8(p + 2) << 16) | (v.getUint8(p + 1) << 8) | v.getUint8(p)) / 8388608
      : ((v.getInt8(p) << 16) | (v.getUint8(p + 1) << 8) | v.getUint8(p + 2)) / 8388608
  ),
  'pcm-4': reader('pcm_s32le', (v, p, le) => v.getInt32(p, le) / 2147483648),
  'float-4': reader('pcm_f32le', (v, p, le) => v.getFloat32(p, le)),
  'float-8': reader('pcm_f64le', (v, p, le) => v.getFloat64(p, le))
}

function sampleReader(fmt: Fmt, name: string): Reader {
  const bytesPerSample = fmt.blockAlign / fmt.channels
  const kind = fmt.code === WAVE_FORMAT_PCM ? 'pcm' : fmt.code === WAVE_FORMAT_IEEE_FLOAT ? 'float' : undefined
  const found = kind !== undefined && fmt.bits <= bytesPerSample * 8 ? READERS[`${kind}-${bytesPerSample}`] : undefined
  if (found) return found
  const what =
    fmt.code === -1 ? 'unknown WAVE_FORMAT_EXTENSIBLE subformat' : (FORMAT_NAMES[fmt.code] ?? `format code 0x${fmt.code.toString(16).padStart(4, '0')}`)
  throw new UserError(
    `${name}: unsupported WAV encoding (${kind ?? what}, ${fmt.bits}-bit); supported: PCM 8/16/24/32-bit and float 32/64-bit`
  )
}
