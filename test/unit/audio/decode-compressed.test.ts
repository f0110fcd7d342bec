import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { decodeBuffer, decodeFile, mixToMono, resample } from '../../../src-main/audio/index'
import { bestAlignment, fixture, maxAbsDiff } from './helpers'

/**
 * Lowest correlation accepted for the lossy codecs against the WAV they were encoded from: 0.99
 * (the brief's bar). 192 kbit/s MP3 and Vorbis q6 on this chord + sweep reach about 0.999; a wrong
 * channel order, sample rate or a missing block of samples drops far below.
 */
const MIN_LOSSY_CORRELATION = 0.99

/** Encoder delay search range: LAME adds 1105 samples of delay before gapless trimming. */
const MAX_LAG = 2048

describe('compressed formats against their WAV source', async () => {
  const source = await decodeFile(fixture('stereo-16.wav'))

  it('FLAC decodes bit-exact', async () => {
    const flac = await decodeFile(fixture('stereo.flac'))
    expect(flac.format).toEqual({ container: 'flac', codec: 'flac', bitDepth: 16 })
    expect(flac.sampleRate).toBe(44100)
    expect(flac.channels).toHaveLength(2)
    expect(flac.channels[0]!.length).toBe(22050)
    expect(maxAbsDiff(flac.channels[0]!, source.channels[0]!)).toBe(0)
    expect(maxAbsDiff(flac.channels[1]!, source.channels[1]!)).toBe(0)
  })

  for (const file of ['stereo.mp3', 'stereo.ogg']) {
    it(`${file} correlates with the source in both channels after delay alignment`, async () => {
      const audio = await decodeFile(fixture(file))
      expect(audio.format.container).toBe(file.endsWith('.mp3') ? 'mp3' : 'ogg')
      expect(audio.format.codec).toBe(file.endsWith('.mp3') ? 'mp3' : 'vorbis')
      expect(audio.format.bitDepth).toBeUndefined()
      expect(audio.sampleRate).toBe(44100)
      expect(audio.channels).toHaveLength(2)
      for (const c of [0, 1]) {
        const { r } = bestAlignment(source.channels[c]!, audio.channels[c]!, MAX_LAG)
        expect(r).toBeGreaterThanOrEqual(MIN_LOSSY_CORRELATION)
      }
      // Channels are not swapped: left matches left better than right.
      const swapped = bestAlignment(source.channels[0]!, audio.channels[1]!, MAX_LAG).r
      expect(swapped).toBeLessThan(MIN_LOSSY_CORRELATION)
    })
  }

  it('mono 22.05 kHz MP3 (ID3-less, frame sync at byte 0) reports 1 channel and its own rate', async () => {
    const mp3 = await decodeFile(fixture('mono-22k.mp3'))
    expect(mp3.channels).toHaveLength(1)
    expect(mp3.sampleRate).toBe(22050)
    const mono = await decodeFile(fixture('mono-16.wav'))
    const expected = await resample(mixToMono(mono.channels), 44100, 22050)
    const { r } = bestAlignment(expected, mp3.channels[0]!, MAX_LAG)
    expect(r).toBeGreaterThanOrEqual(MIN_LOSSY_CORRELATION)
  })

  it('chooses the decoder by magic bytes, not by name, and decodes FLAC with an ID3 tag in front', async () => {
    const flac = new Uint8Array(readFileSync(fixture('stereo.flac')))
    const misnamed = await decodeBuffer(flac, 'song.mp3')
    expect(misnamed.format.container).toBe('flac')
    // ID3v2.3 header with a 20-byte (syncsafe) body of padding, then the FLAC stream.
    const tagged = new Uint8Array(30 + flac.length)
    tagged.set([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 20], 0)
    tagged.set(flac, 30)
    const audio = await decodeBuffer(tagged, 'tagged.flac')
    expect(audio.format.container).toBe('flac')
    expect(maxAbsDiff(audio.channels[0]!, source.channels[0]!)).toBe(0)
  })
})
