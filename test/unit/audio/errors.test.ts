import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeBuffer, decodeFile } from '../../../src-main/audio/index'
import { UserError } from '../../../src-main/util/errors'
import { fixture } from './helpers'

/** Longest accepted error message: one readable line, no stack trace or dump of bytes. */
const MAX_MESSAGE_LENGTH = 300

async function failure(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(UserError)
  const message = (err as UserError).message
  expect(message).not.toContain('\n')
  expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH)
  return err as UserError
}

describe('bad inputs give one clear UserError naming the file and the reason', () => {
  const cases: [string, RegExp][] = [
    ['empty.wav', /file is empty/],
    ['truncated-header.wav', /truncated WAV header/],
    ['random.mp3', /not a recognised audio file/],
    ['id3-no-frames.mp3', /no MPEG audio frame/],
    ['zero-samples.wav', /no audio samples/],
    ['adpcm.wav', /unsupported WAV encoding \(Microsoft ADPCM/]
  ]
  for (const [file, reason] of cases) {
    it(file, async () => {
      const err = await failure(decodeFile(fixture(file)))
      expect(err.message.startsWith(fixture(file) + ': ')).toBe(true)
      expect(err.message).toMatch(reason)
    })
  }

  it('a missing path', async () => {
    const path = join(tmpdir(), 'electric-beats-no-such-file.wav')
    expect((await failure(decodeFile(path))).message).toBe(`${path}: file not found`)
  })

  it('a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-audio-'))
    expect((await failure(decodeFile(dir))).message).toBe(`${dir}: is a directory, not an audio file`)
  })

  it('every prefix of a valid WAV header is refused cleanly, never crashes', async () => {
    const { readFileSync } = await import('node:fs')
    const wav = new Uint8Array(readFileSync(fixture('pcm-16.wav')))
    for (let n = 1; n <= 46; n++) {
      const err = await failure(decodeBuffer(wav.subarray(0, n), `prefix-${n}`))
      expect(err.message).toMatch(new RegExp(`^prefix-${n}: (truncated WAV header|WAV file contains no audio samples|not a recognised)`))
    }
  })

  it('Ogg Opus and unknown RIFF types are named, not guessed', async () => {
    const opus = new Uint8Array(64)
    opus.set([...'OggS'].map((c) => c.charCodeAt(0)), 0)
    opus[26] = 1
    opus.set([...'OpusHead'].map((c) => c.charCodeAt(0)), 28)
    expect((await failure(decodeBuffer(opus, 'talk.ogg'))).message).toBe('talk.ogg: Ogg Opus is not supported (only Ogg Vorbis)')
    const avi = new TextEncoder().encode('RIFF\x00\x00\x00\x00AVI LIST')
    expect((await failure(decodeBuffer(avi, 'clip.wav'))).message).toMatch(/^clip\.wav: RIFF file that is not WAVE audio/)
  })

  it('FLAC: no frames -> error; frames lost part-way -> the intact ones are kept', async () => {
    const { readFileSync } = await import('node:fs')
    const flac = new Uint8Array(readFileSync(fixture('stereo.flac')))
    const firstFrame = 8304 // after STREAMINFO, SEEKTABLE, VORBIS_COMMENT and flac's 8 KiB PADDING
    expect([flac[firstFrame], flac[firstFrame + 1]]).toEqual([0xff, 0xf8]) // frame sync: the offset is right
    const noFrames = flac.slice(0, firstFrame)
    expect((await failure(decodeBuffer(noFrames, 'cut.flac'))).message).toBe('cut.flac: no FLAC frames could be decoded')
    // 5000 bytes of frames hold the first 4096-sample block only; the rest is cut off.
    const partial = await decodeBuffer(flac.slice(0, firstFrame + 5000), 'partial.flac')
    expect(partial.channels[0]!.length).toBe(4096)
  })
})
