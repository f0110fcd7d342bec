import { UserError } from '../util/errors'
import type { Hz } from '../util/units'
import type { AudioFormatInfo } from './types'
import { readWavLayout } from './wav-decode'

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
}

const ascii = (b: Uint8Array, at: number, n: number): string =>
  at + n <= b.length ? String.fromCharCode(...b.subarray(at, at + n)) : ''

/**
 * Identifies the container from magic bytes (never the file name) and checks the stream header, so
 * a bad file is refused cheaply before decoding. Throws a UserError naming `name` and the reason.
 */
export function probeAudio(bytes: Uint8Array, name: string): AudioProbe {
  if (bytes.length === 0) throw new UserError(`${name}: file is empty`)
  const riff = ascii(bytes, 0, 4)
  if (riff === 'RIFF' || riff === 'RIFX' || riff === 'RF64') {
    if (bytes.length < 12) throw new UserError(`${name}: truncated WAV header (${bytes.length} bytes)`)
    if (ascii(bytes, 8, 4) !== 'WAVE') throw new UserError(`${name}: RIFF file that is not WAVE audio (${ascii(bytes, 8, 4)})`)
    const { fmt } = readWavLayout(bytes, name)
    return { container: 'wav', offset: 0, channels: fmt.channels, sampleRate: fmt.sampleRate }
  }
  if (riff === 'OggS') return probeOgg(bytes, name)
  const id3End = skipId3(bytes)
  if (ascii(bytes, id3End, 4) === 'fLaC') return probeFlac(bytes, id3End, name)
  if (id3End > 0) {
    // Encoders may pad between the tag and the first frame; 64 KiB covers any padding seen in practice.
    const limit = Math.min(bytes.length - 4, id3End + 65536)
    for (let at = id3End; at <= limit; at++) {
      const frame = mpegHeader(bytes, at)
      if (frame) return { container: 'mp3', offset: at, ...frame }
    }
    throw new UserError(`${name}: ID3 tag but no MPEG audio frame after it`)
  }
  const frame = mpegHeader(bytes, 0)
  if (frame) return { container: 'mp3', offset: 0, ...frame }
  throw new UserError(`${name}: not a recognised audio file (no WAV, FLAC, Ogg or MPEG audio signature at its start)`)
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

/** Parses an MPEG audio frame header at `at`, or returns null when the bytes cannot be one. */
function mpegHeader(b: Uint8Array, at: number): { channels: number; sampleRate: Hz; codec: string } | null {
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return null
  const version = (b[at + 1]! >> 3) & 3
  const layer = (b[at + 1]! >> 1) & 3
  const bitrate = b[at + 2]! >> 4
  const rate = (b[at + 2]! >> 2) & 3
  if (version === 1 || layer === 0 || bitrate === 15 || rate === 3) return null
  return { channels: b[at + 3]! >> 6 === 3 ? 1 : 2, sampleRate: MPEG_RATES[version]![rate]!, codec: `mp${4 - layer}` }
}

/** FLAC: the mandatory STREAMINFO block follows the magic and states rate and channels. */
function probeFlac(b: Uint8Array, at: number, name: string): AudioProbe {
  const info = at + 8 // "fLaC" + 4-byte metadata block header
  if (info + 18 > b.length || (b[at + 4]! & 0x7f) !== 0) throw new UserError(`${name}: truncated FLAC header (no STREAMINFO block)`)
  const sampleRate = (b[info + 10]! << 12) | (b[info + 11]! << 4) | (b[info + 12]! >> 4)
  const channels = ((b[info + 12]! >> 1) & 7) + 1
  if (sampleRate === 0) throw new UserError(`${name}: FLAC header states a sample rate of 0 Hz`)
  return { container: 'flac', offset: at, channels, sampleRate }
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
