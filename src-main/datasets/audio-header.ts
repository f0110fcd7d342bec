import { closeSync, openSync, readSync } from 'node:fs'
import type { Hz, Seconds } from '../util/units'

/** Sample rate and length read from a file's header, without decoding it. */
export interface AudioHeader {
  sampleRate: Hz
  durationS: Seconds
}

/**
 * Reads the sample rate and duration of a WAV or FLAC file from its header only. Hand-written because
 * the decoders read whole files, and an import over tens of thousands of clips must not decode them
 * all. Returns null for other formats or a header it cannot read (the clip then has no duration yet).
 */
export function readAudioHeader(path: string): AudioHeader | null {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return null
  }
  try {
    const head = readAt(fd, 0, 12)
    if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') return wavHeader(fd)
    if (head.length >= 4 && head.toString('latin1', 0, 4) === 'fLaC') return flacHeader(fd)
    return null
  } finally {
    closeSync(fd)
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length)
  const n = readSync(fd, buf, 0, length, position)
  return buf.subarray(0, n)
}

/** Walks RIFF chunks for `fmt ` (rate, block size) and `data` (byte length). */
function wavHeader(fd: number): AudioHeader | null {
  let pos = 12
  let sampleRate = 0
  let blockAlign = 0
  // A WAV has a handful of chunks before `data`; the cap stops a corrupt file from looping.
  for (let guard = 0; guard < 64; guard++) {
    const h = readAt(fd, pos, 8)
    if (h.length < 8) return null
    const id = h.toString('latin1', 0, 4)
    const size = h.readUInt32LE(4)
    if (id === 'fmt ') {
      const f = readAt(fd, pos + 8, 16)
      if (f.length < 16) return null
      sampleRate = f.readUInt32LE(4)
      blockAlign = f.readUInt16LE(12)
    } else if (id === 'data') {
      if (sampleRate === 0 || blockAlign === 0) return null
      return { sampleRate, durationS: Math.floor(size / blockAlign) / sampleRate }
    }
    // Chunks are padded to an even length.
    pos += 8 + size + (size & 1)
  }
  return null
}

/** STREAMINFO is always the first metadata block: 20-bit rate and 36-bit total samples. */
function flacHeader(fd: number): AudioHeader | null {
  const b = readAt(fd, 4, 4 + 34)
  if (b.length < 38 || (b[0]! & 0x7f) !== 0) return null
  const s = b.subarray(4)
  const sampleRate = (s[10]! << 12) | (s[11]! << 4) | (s[12]! >> 4)
  const totalSamples = (s[13]! & 0x0f) * 2 ** 32 + s.readUInt32BE(14)
  if (sampleRate === 0 || totalSamples === 0) return null
  return { sampleRate, durationS: totalSamples / sampleRate }
}
