import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { UserError } from '../util/errors'
import type { Hz, Seconds } from '../util/units'
import { FLAC_TAIL_BYTES, probeAudio, type AudioProbe } from './probe'
import { fileError } from './read-file'

/** What a file's header says, read without decoding: what the importers record for each clip. */
export interface AudioHeader {
  container: AudioProbe['container']
  sampleRate: Hz
  channels: number | null
  /** From the header where it states a length (WAV, FLAC with a STREAMINFO total); null otherwise (MP3, Ogg). */
  durationS: Seconds | null
}

/** First read: enough for every header seen in practice (WAV chunks before `data`, ID3 + MPEG frames). */
const HEAD_BYTES = 64 * 1024
/** A WAV whose `data` chunk starts later than this (metadata chunks in front) is read this far at most. */
const MAX_HEAD_BYTES = 64 * 1024 * 1024

/**
 * Reads the head of an audio file and returns what its header says (container, rate, channels and,
 * where stated, duration), through the same probe the decoder uses, so an import can never record a
 * length the decoder disagrees with. A stated WAV data size is capped at the bytes present; 0 and
 * 0xFFFFFFFF mean "to the end of the file". Synchronous: importers run inside one SQLite transaction.
 * Throws a UserError naming `path` for an empty, missing, unreadable or unrecognised file.
 */
export function readAudioHeader(path: string): AudioHeader {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (err) {
    throw fileError(err, path)
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw new UserError(`${path}: is not a regular file`)
    if (st.size === 0) throw new UserError(`${path}: file is empty`)
    let length = Math.min(st.size, HEAD_BYTES)
    let tail: Buffer | undefined
    for (;;) {
      const head = Buffer.alloc(length)
      const n = readSync(fd, head, 0, length, 0)
      // The end of the file, where a FLAC's last frame tells its length (the decoder's count): read
      // only for what may be FLAC ("fLaC", or an ID3 tag that may hide it), not for every MP3 or WAV.
      const marker = head.toString('latin1', 0, 4)
      if (!tail && (marker === 'fLaC' || marker.startsWith('ID3'))) {
        const tailLength = Math.min(st.size, FLAC_TAIL_BYTES)
        tail = Buffer.alloc(tailLength)
        readSync(fd, tail, 0, tailLength, st.size - tailLength)
      }
      try {
        return fromProbe(probeAudio(head.subarray(0, n), path, st.size, tail))
      } catch (err) {
        // A file whose header reaches past the first read (WAV chunks or an ID3 tag with pictures
        // before the audio) is read further before it is judged.
        const short = err instanceof UserError && /no "data" chunk|no complete "fmt "|ID3 tag but no MPEG|no intact FLAC frame/.test(err.message)
        if (!short || length >= Math.min(st.size, MAX_HEAD_BYTES)) throw err
        length = Math.min(st.size, MAX_HEAD_BYTES, length * 16)
      }
    }
  } finally {
    closeSync(fd)
  }
}

function fromProbe(p: AudioProbe): AudioHeader {
  if (p.sampleRate === undefined) throw new Error('probe gave no sample rate') // every probe path sets it
  return {
    container: p.container,
    sampleRate: p.sampleRate,
    channels: p.channels ?? null,
    durationS: p.frames === undefined ? null : p.frames / p.sampleRate
  }
}
