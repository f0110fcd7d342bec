import { UserError } from '../util/errors'
import type { Hz } from '../util/units'
import type { AudioFormatInfo } from './types'
import { readWavLayout } from './wav-decode'
import { firstIntactFrame, metadataEnd, totalFromLastFrame } from './flac-frames'

/** What the first bytes of a file say, before any samples are decoded. */
export interface AudioProbe {
  container: AudioFormatInfo['container']
  /** Where the stream starts: after any ID3v2 tags for MPEG and FLAC; 0 for WAV and Ogg. */
  offset: number
  /** Channel count and rate where the header states them (MPEG: from the first frame). */
  channels?: number
  sampleRate?: Hz
  /** 'mp1' / 'mp2' / 'mp3' for MPEG audio, from the layer bits of the first frame. */
  codec?: string
  /** FLAC only: STREAMINFO's bits per sample and maximum block size (the decoder's defaults for its frames). */
  streamInfo?: { bits: number; maxBlock: number }
  /**
   * Sample frames per channel where the header states them: WAV (the data size, capped at the bytes
   * present) and FLAC (STREAMINFO's total, when not 0 = unknown). Undefined for MPEG and Ogg, whose
   * length is only known by decoding.
   */
  frames?: number
}

const ascii = (b: Uint8Array, at: number, n: number): string =>
  at + n <= b.length ? String.fromCharCode(...b.subarray(at, at + n)) : ''

/**
 * Identifies the container from magic bytes (never the file name) and checks the stream header, so
 * a bad file is refused cheaply before decoding. `bytes` may be just the head of the file when
 * `fileSize` gives the whole size and `tail` its last bytes (the import-time header reader does
 * that). Throws a UserError
 * naming `name` and the reason. This is the one header reader: the decoder and the importers both
 * go through it, so they cannot disagree about a file's rate, channels or length.
 */
export function probeAudio(bytes: Uint8Array, name: string, fileSize = bytes.byteLength, tail?: Uint8Array): AudioProbe {
  const probe = probeContainer(bytes, name, fileSize, tail)
  const rate = probe.sampleRate
  if (rate !== undefined && !(rate > 0 && rate <= MAX_SAMPLE_RATE)) throw new UserError(`${name}: implausible sample rate ${rate} Hz in the ${probe.container} header`)
  if (probe.channels !== undefined && !(probe.channels > 0)) throw new UserError(`${name}: ${probe.container} header states 0 channels`)
  return probe
}

/** Highest rate accepted from a header: beyond any real recording, so larger means a corrupt file. */
export const MAX_SAMPLE_RATE: Hz = 768_000

function probeContainer(bytes: Uint8Array, name: string, fileSize: number, tail: Uint8Array | undefined): AudioProbe {
  if (bytes.length === 0) throw new UserError(`${name}: file is empty`)
  const riff = ascii(bytes, 0, 4)
  if (riff === 'RIFF' || riff === 'RIFX' || riff === 'RF64') {
    if (bytes.length < 12) throw new UserError(`${name}: truncated WAV header (${bytes.length} bytes)`)
    if (ascii(bytes, 8, 4) !== 'WAVE') throw new UserError(`${name}: RIFF file that is not WAVE audio (${ascii(bytes, 8, 4)})`)
    const { fmt, frames } = readWavLayout(bytes, name, fileSize)
    return { container: 'wav', offset: 0, channels: fmt.channels, sampleRate: fmt.sampleRate, frames }
  }
  if (riff === 'OggS') return probeOgg(bytes, name)
  const id3End = skipId3(bytes)
  if (ascii(bytes, id3End, 4) === 'fLaC') return probeFlac(bytes, id3End, name, fileSize, tail)
  if (id3End > 0) {
    // A tag whose size lies (a tagger's bug) hides what follows it: a FLAC stream's marker and its
    // STREAMINFO header are looked for first, since MPEG sync words turn up inside FLAC frames.
    const flacAt = findFlacMarker(bytes, Math.min(bytes.length, id3End + 65536))
    if (flacAt >= 0) return probeFlac(bytes, flacAt, name, fileSize, tail)
    // Encoders may pad between the tag and the first frame; 64 KiB covers any padding seen in practice.
    const limit = Math.min(bytes.length - 4, id3End + 65536)
    for (let at = id3End; at <= limit; at++) {
      const frame = mpegStream(bytes, at, fileSize)
      if (frame) return { container: 'mp3', offset: at, ...frame }
    }
    throw new UserError(`${name}: ID3 tag but no MPEG audio frame after it`)
  }
  const frame = mpegStream(bytes, 0, fileSize)
  if (frame) return { container: 'mp3', offset: 0, ...frame }
  throw new UserError(`${name}: not a recognised audio file (no WAV, FLAC, Ogg or MPEG audio signature at its start)`)
}

/** The first "fLaC" followed by a STREAMINFO block header (type 0, 34 bytes) before `limit`, or -1. */
function findFlacMarker(b: Uint8Array, limit: number): number {
  for (let at = 10; at + 8 <= limit; at++) {
    if (b[at] === 0x66 && ascii(b, at, 4) === 'fLaC' && (b[at + 4]! & 0x7f) === 0 && b[at + 5] === 0 && b[at + 6] === 0 && b[at + 7] === 34) return at
  }
  return -1
}

/** End of any ID3v2 tags at the start (0 if none); sizes are 28-bit "syncsafe" integers. */
function skipId3(b: Uint8Array): number {
  let at = 0
  while (ascii(b, at, 3) === 'ID3' && at + 10 <= b.length) {
    const size = ((b[at + 6]! & 0x7f) << 21) | ((b[at + 7]! & 0x7f) << 14) | ((b[at + 8]! & 0x7f) << 7) | (b[at + 9]! & 0x7f)
    const footer = (b[at + 5]! & 0x10) !== 0 ? 10 : 0
    at += 10 + size + footer
  }
  return Math.min(at, b.length)
}

const MPEG_RATES: Record<number, readonly Hz[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] }

/** kbit/s by [MPEG-1 ? 0 : 1][layer 1..3][index]; index 0 is "free format" (length not computable). */
const MPEG_BITRATES: readonly (readonly (readonly number[])[])[] = [
  [[], [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448], [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384], [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]],
  [[], [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256], [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160], [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]]
]

interface MpegFrame {
  channels: number
  sampleRate: Hz
  codec: string
  /** Bytes in this frame, or 0 for free format. */
  length: number
  /** Version, layer and rate bits: every frame of one stream shares them. */
  streamBits: number
}

/** Parses an MPEG audio frame header at `at` (ISO 11172-3 / 13818-3), or null when the bytes cannot be one. */
function mpegHeader(b: Uint8Array, at: number): MpegFrame | null {
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return null
  const version = (b[at + 1]! >> 3) & 3
  const layer = (b[at + 1]! >> 1) & 3
  const bitrate = b[at + 2]! >> 4
  const rate = (b[at + 2]! >> 2) & 3
  if (version === 1 || layer === 0 || bitrate === 15 || rate === 3) return null
  const sampleRate = MPEG_RATES[version]![rate]!
  const kbps = MPEG_BITRATES[version === 3 ? 0 : 1]![4 - layer]![bitrate]!
  const padding = (b[at + 2]! >> 1) & 1
  // Layer I counts 4-byte slots of 12 per 384 samples; layer III of MPEG-2/2.5 has 576 samples per frame.
  const length =
    kbps === 0 ? 0 : layer === 3 ? (Math.floor((12000 * kbps) / sampleRate) + padding) * 4 : Math.floor(((layer === 1 && version !== 3 ? 72 : 144) * 1000 * kbps) / sampleRate) + padding
  return { channels: b[at + 3]! >> 6 === 3 ? 1 : 2, sampleRate, codec: `mp${4 - layer}`, length, streamBits: (b[at + 1]! & 0x1e) | (((b[at + 2]! >> 2) & 3) << 8) }
}

/** Frames that must chain from the first one before a stream is believed (or the file must end first). */
const MPEG_CHAIN = 3

/**
 * An MPEG stream starting at `at`: a frame header whose next frames follow where its length says,
 * with the same version, layer and rate. One header alone is a 1-in-a-few-thousand accident in
 * random bytes; a chain of three is not. A shorter chain is believed only when its last frame ends
 * exactly at the end of the file (`fileSize`); a first frame cut off by the file's end is refused.
 * A free-format frame (no computable length) is taken alone.
 */
function mpegStream(b: Uint8Array, at: number, fileSize: number): Omit<MpegFrame, 'length' | 'streamBits'> | null {
  const first = mpegHeader(b, at)
  if (!first) return null
  let frame = first
  let pos = at
  let mono = first.channels === 1 ? 1 : 0
  let seen = 1
  for (let i = 1; i < MPEG_CHAIN && frame.length > 0; i++) {
    pos += frame.length
    if (pos === fileSize) break // the file ends with a whole frame: nothing contradicts the chain
    if (pos + 4 > b.length) return null // cut off, or past the bytes read: not enough to believe it
    const next = mpegHeader(b, pos)
    if (!next || next.streamBits !== first.streamBits) return null
    frame = next
    seen++
    if (next.channels === 1) mono++
  }
  // The channel mode the chained frames mostly state: one damaged mode field cannot make a mono file stereo.
  return { channels: mono * 2 > seen ? 1 : 2, sampleRate: first.sampleRate, codec: first.codec }
}

/** Bytes of frames searched for an intact one: a FLAC frame is at most a few hundred KB. */
const FLAC_FRAME_SEARCH = 1 << 20
/** Bytes at the end of a file searched for its last frame. */
export const FLAC_TAIL_BYTES = 64 * 1024

/**
 * FLAC: STREAMINFO (the mandatory first metadata block) states rate, channels, bits and length; the
 * frames are what the decoder reads. So the first intact frame (a valid header and a matching
 * CRC-16) is checked against STREAMINFO, a file with none is refused, and the length comes from the
 * last frame when `tail` (the file's last bytes) holds it, STREAMINFO's total only otherwise.
 */
function probeFlac(b: Uint8Array, at: number, name: string, fileSize: number, tail: Uint8Array | undefined): AudioProbe {
  const info = at + 8 // "fLaC" + 4-byte metadata block header
  if (info + 18 > b.length || (b[at + 4]! & 0x7f) !== 0) throw new UserError(`${name}: truncated FLAC header (no STREAMINFO block)`)
  const maxBlock = (b[info + 2]! << 8) | b[info + 3]!
  const sampleRate = (b[info + 10]! << 12) | (b[info + 11]! << 4) | (b[info + 12]! >> 4)
  const channels = ((b[info + 12]! >> 1) & 7) + 1
  const bits = (((b[info + 12]! & 1) << 4) | (b[info + 13]! >> 4)) + 1
  const total = (b[info + 13]! & 0x0f) * 2 ** 32 + new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(info + 14)
  if (sampleRate === 0) throw new UserError(`${name}: FLAC header states a sample rate of 0 Hz`)
  if (bits > 24) throw new UserError(`${name}: ${bits}-bit FLAC is not supported (the decoder reads up to 24 bits per sample)`)
  const { end: p, last } = metadataEnd(b, at)
  // Metadata that runs past the end of the file hides where the frames start, for the decoder too.
  if (p > fileSize || (!last && b.length === fileSize)) throw new UserError(`${name}: FLAC metadata blocks run past the end of the file`)
  // Fixed-block streams number frames: their block size is the first frame's (STREAMINFO's maximum can lie).
  let blockSize = maxBlock
  if (last && p < b.length) {
    const window = b.subarray(0, Math.min(b.length, p + FLAC_FRAME_SEARCH))
    const frame = firstIntactFrame(window, p, window.length === fileSize)
    if (frame === null) throw new UserError(`${name}: no intact FLAC frame (every frame header or CRC is damaged)`)
    if (frame !== 'unknown') {
      const says = (what: string, frameValue: number, infoValue: number): UserError =>
        new UserError(`${name}: FLAC frames say ${frameValue} ${what}, STREAMINFO says ${infoValue}`)
      if (frame.sampleRate !== undefined && frame.sampleRate !== sampleRate) throw says('Hz', frame.sampleRate, sampleRate)
      if (frame.channels !== channels) throw says('channels', frame.channels, channels)
      if (frame.bits !== undefined && frame.bits !== bits) throw says('bits per sample', frame.bits, bits)
      // Frame 0 has the stream's full block size (only the last frame may be shorter).
      if (!frame.variable && frame.number === 0) blockSize = frame.blockSize
    }
  }
  const end = tail ?? (b.length === fileSize ? b.subarray(Math.max(0, b.length - FLAC_TAIL_BYTES)) : undefined)
  const counted = end && blockSize > 0 ? totalFromLastFrame(end, maxBlock, blockSize) : null
  // A STREAMINFO total of 0 means "unknown" (a stream written without seeking back), not an empty file.
  const frames = counted ?? (total > 0 ? total : undefined)
  return { container: 'flac', offset: at, channels, sampleRate, streamInfo: { bits, maxBlock }, ...(frames !== undefined ? { frames } : {}) }
}

/** Ogg: the first packet of the first page names the codec; only Vorbis is decoded. */
function probeOgg(b: Uint8Array, name: string): AudioProbe {
  if (b.length < 28) throw new UserError(`${name}: truncated Ogg page header`)
  const packet = 27 + b[26]!
  const magic = ascii(b, packet, 7)
  if (magic === '\x01vorbis' && packet + 16 <= b.length) {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
    return { container: 'ogg', offset: 0, channels: b[packet + 11]!, sampleRate: view.getUint32(packet + 12, true) }
  }
  if (ascii(b, packet, 8) === 'OpusHead') throw new UserError(`${name}: Ogg Opus is not supported (only Ogg Vorbis)`)
  if (ascii(b, packet, 5) === '\x7fFLAC') throw new UserError(`${name}: FLAC inside Ogg is not supported (use native .flac)`)
  throw new UserError(`${name}: Ogg file without a Vorbis stream`)
}
