/**
 * FLAC streams whose parts disagree (found by the fuzz campaign): the header reader the importers
 * use and the decoder must tell one story, or refuse the file in one line. Built by editing the
 * committed fixtures' bytes here, with CRCs recomputed by a second, independent implementation.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeBuffer, readAudioHeader } from '../../../src-main/audio/index'
import { fixture } from './helpers'

const STREAM = readFileSync(fixture('stereo.flac')) // 44.1 kHz stereo, 22050 samples in 6 frames of 4096
const FIRST_FRAME = 8304 // after STREAMINFO, SEEKTABLE, VORBIS_COMMENT and flac's 8 KiB PADDING
const dir = mkdtempSync(join(tmpdir(), 'eb-flac-'))

/** CRC-8 (0x07) and CRC-16 (0x8005) bit by bit: a second implementation beside flac-frames.ts' tables. */
function crc(bytes: Uint8Array, width: 8 | 16): number {
  const poly = width === 8 ? 0x07 : 0x8005
  const top = 1 << (width - 1)
  const mask = (1 << width) - 1
  let c = 0
  for (const byte of bytes) {
    c ^= byte << (width - 8)
    for (let k = 0; k < 8; k++) c = c & top ? ((c << 1) ^ poly) & mask : (c << 1) & mask
  }
  return c
}

/** Start offsets of the stream's frames (sync code followed by a header whose CRC-8 holds). */
function frameStarts(b: Uint8Array): number[] {
  const out: number[] = []
  for (let at = FIRST_FRAME; at < b.length - 8; at++) {
    if (b[at] !== 0xff || b[at + 1] !== 0xf8) continue
    for (let len = 5; len <= 9; len++) if (crc(b.subarray(at, at + len), 8) === b[at + len]) out.push(at)
  }
  return [...new Set(out)]
}

/** Both views of one file: what the header reader says and what the decoder gives. */
async function bothViews(bytes: Uint8Array, name: string): Promise<{ header: number | null; decoded: number; audio: Float32Array[] }> {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  const audio = await decodeBuffer(new Uint8Array(bytes), path)
  return { header: readAudioHeader(path).durationS, decoded: audio.channels[0]!.length / audio.sampleRate, audio: audio.channels }
}

describe('FLAC: header reader and decoder agree', () => {
  it('a STREAMINFO total that lies: the length comes from the last frame, as the decoder counts', async () => {
    const b = new Uint8Array(STREAM)
    b.set([0, 0, 0, 1], 8 + 14) // total samples = 1 (low 32 bits; the high 4 bits are 0 here)
    const v = await bothViews(b, 'total-lies.flac')
    expect(v.decoded).toBe(22050 / 44100)
    expect(v.header).toBe(v.decoded)
  })

  it('a damaged frame in the middle becomes silence of its block size; every later sample keeps its place', async () => {
    const clean = await decodeBuffer(new Uint8Array(STREAM), 'clean.flac')
    const b = new Uint8Array(STREAM)
    const starts = frameStarts(b)
    expect(starts).toHaveLength(6)
    b.fill(0, starts[1]! + 40, starts[1]! + 90) // inside the second frame's subframes
    const v = await bothViews(b, 'damaged.flac')
    expect(v.decoded).toBe(22050 / 44100)
    expect(v.header).toBe(v.decoded)
    expect(v.audio[0]!.subarray(4096, 8192).every((x) => x === 0)).toBe(true)
    expect([...v.audio[0]!.subarray(8192)]).toEqual([...clean.channels[0]!.subarray(8192)])
  })

  it('a file cut inside its last frame keeps the whole frames, and the header counts the same', async () => {
    const starts = frameStarts(STREAM)
    const v = await bothViews(STREAM.subarray(0, starts[5]! + 100), 'cut.flac')
    expect(v.decoded).toBe((5 * 4096) / 44100)
    expect(v.header).toBe(v.decoded)
  })

  it('frames that say another rate than STREAMINFO are refused in one line by both', async () => {
    const b = new Uint8Array(STREAM)
    for (const at of frameStarts(b)) {
      const len = [5, 6, 7, 8, 9].find((l) => crc(b.subarray(at, at + l), 8) === b[at + l])!
      const next = frameStarts(b).find((s) => s > at) ?? b.length
      b[at + 2] = (b[at + 2]! & 0xf0) | 0x1 // 88.2 kHz
      b[at + len] = crc(b.subarray(at, at + len), 8)
      const c = crc(b.subarray(at, next - 2), 16)
      b.set([c >> 8, c & 0xff], next - 2)
    }
    const path = join(dir, 'rate-lies.flac')
    writeFileSync(path, b)
    const message = /rate-lies\.flac: FLAC frames say 88200 Hz, STREAMINFO says 44100$/
    await expect(decodeBuffer(b, path)).rejects.toThrow(message)
    expect(() => readAudioHeader(path)).toThrow(message)
  })

  it('an ID3 tag whose size lies does not hide the FLAC stream behind it', async () => {
    const tag = new Uint8Array(10 + 300)
    tag.set([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0x0a, 0x0e]) // "ID3", size 1294 (syncsafe 0x0a 0x0e) for 300 bytes
    const v = await bothViews(new Uint8Array([...tag, ...STREAM]), 'tagged.flac')
    expect(v.decoded).toBe(0.5)
    expect(v.header).toBe(0.5)
  })

  it('32-bit FLAC (which the decoder cannot read) is refused by name', async () => {
    const b = new Uint8Array(STREAM)
    b[8 + 12] = b[8 + 12]! | 1 // bits per sample - 1 = 31: top bit of the 5-bit field...
    b[8 + 13] = (b[8 + 13]! & 0x0f) | 0xf0 // ...and the low four
    await expect(decodeBuffer(b, 'wide.flac')).rejects.toThrow(/^wide\.flac: 32-bit FLAC is not supported/)
  })
})

describe('headers that disagree with themselves (WAV, MPEG)', () => {
  it('a WAV whose block size, channels and bits disagree is refused: readers would each read it another way', async () => {
    const b = new Uint8Array(readFileSync(fixture('pcm-16.wav'))) // 16-bit stereo: 4-byte frames
    new DataView(b.buffer).setUint16(32, 6, true) // block align 6
    await expect(decodeBuffer(b, 'block.wav')).rejects.toThrow(
      /^block\.wav: WAV header is inconsistent \(2 channels of 16-bit samples need 4-byte frames, the header says 6\)$/
    )
  })

  it("an MP3 whose first frame alone says stereo is as mono as the frames after it", async () => {
    const { probeAudio } = await import('../../../src-main/audio/index')
    const b = new Uint8Array(readFileSync(fixture('mono-22k.mp3')))
    const at = probeAudio(b, 'mono.mp3').offset
    b[at + 3] = b[at + 3]! & 0x3f // channel mode 00: stereo, in the first frame only
    expect((await decodeBuffer(b, 'mono.mp3')).channels).toHaveLength(1)
  })
})
