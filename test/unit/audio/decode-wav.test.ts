import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { countNonFinite, decodeBuffer, decodeFile, encodeWav, mixToMono } from '../../../src-main/audio/index'
import { fixture, maxAbsDiff, referenceChannels } from './helpers'

/**
 * Half a quantisation step of each depth, plus 1e-7 for float32 rounding of the reference: sox
 * wrote every file from one float master without dither, so a correct reader lands within this.
 */
const halfLsb = (bits: number): number => 2 ** -bits + 1e-7

describe('WAV decoding', () => {
  const [refL, refR] = referenceChannels()
  const cases = [
    { file: 'pcm-u8.wav', codec: 'pcm_u8', bits: 8 },
    { file: 'pcm-16.wav', codec: 'pcm_s16le', bits: 16 },
    { file: 'pcm-24.wav', codec: 'pcm_s24le', bits: 24 },
    { file: 'pcm-24x.wav', codec: 'pcm_s24le', bits: 24 }, // WAVE_FORMAT_EXTENSIBLE
    { file: 'pcm-32.wav', codec: 'pcm_s32le', bits: 32 },
    { file: 'float-32.wav', codec: 'pcm_f32le', bits: 32 },
    { file: 'float-64.wav', codec: 'pcm_f64le', bits: 64 }
  ]
  for (const c of cases) {
    it(`${c.file} matches the raw float reference within half an LSB`, async () => {
      const audio = await decodeFile(fixture(c.file))
      expect(audio.format).toEqual({ container: 'wav', codec: c.codec, bitDepth: c.bits })
      expect(audio.sampleRate).toBe(44100)
      expect(audio.channels).toHaveLength(2)
      expect(audio.channels[0]!.length).toBe(refL.length)
      // Float references are float32, so depths beyond 24 bits can only be checked to float32 precision.
      const tol = halfLsb(Math.min(c.bits, 24))
      expect(maxAbsDiff(audio.channels[0]!, refL)).toBeLessThanOrEqual(tol)
      expect(maxAbsDiff(audio.channels[1]!, refR)).toBeLessThanOrEqual(tol)
    })
  }

  it('keeps the low bytes of 24-bit samples (not just a 16-bit approximation)', async () => {
    const a24 = await decodeFile(fixture('pcm-24.wav'))
    const a16 = await decodeFile(fixture('pcm-16.wav'))
    // The master has more than 16 bits of detail, so the two files must differ somewhere by > 1/2^17.
    expect(maxAbsDiff(a24.channels[0]!, a16.channels[0]!)).toBeGreaterThan(2 ** -17)
  })

  it('reads 4-channel WAVE_FORMAT_EXTENSIBLE float with the right layout', async () => {
    const quad = await decodeFile(fixture('quad-f32x.wav'))
    expect(quad.format).toEqual({ container: 'wav', codec: 'pcm_f32le', bitDepth: 32 })
    expect(quad.channels).toHaveLength(4)
    // generate.sh: channels = L, R, 0.5 L, -0.5 R of the same master excerpt.
    const tol = halfLsb(24)
    expect(maxAbsDiff(quad.channels[0]!, refL)).toBeLessThanOrEqual(tol)
    expect(maxAbsDiff(quad.channels[1]!, refR)).toBeLessThanOrEqual(tol)
    expect(maxAbsDiff(quad.channels[2]!, refL.map((v) => 0.5 * v))).toBeLessThanOrEqual(tol)
    expect(maxAbsDiff(quad.channels[3]!, refR.map((v) => -0.5 * v))).toBeLessThanOrEqual(tol)
  })

  it('reads mono and other sample rates; mono equals the mix of the stereo source', async () => {
    const stereo = await decodeFile(fixture('stereo-16.wav'))
    const mono = await decodeFile(fixture('mono-16.wav'))
    const low = await decodeFile(fixture('mono-8k.wav'))
    expect(stereo.channels).toHaveLength(2)
    expect(stereo.channels[0]!.length).toBe(22050)
    expect(mono.channels).toHaveLength(1)
    expect(low.sampleRate).toBe(8000)
    expect(low.channels[0]!.length).toBe(4000)
    // sox averaged the float master then rounded; we average two rounded channels: within one LSB.
    expect(maxAbsDiff(mono.channels[0]!, mixToMono(stereo.channels))).toBeLessThanOrEqual(2 * halfLsb(16))
  })

  it('a file cut off inside the data keeps its whole frames and drops the partial one', async () => {
    const wav = new Uint8Array(readFileSync(fixture('pcm-16.wav')))
    const cut = await decodeBuffer(wav.subarray(0, 44 + 1001), 'cut.wav') // 1001 bytes = 250 frames + 1 byte
    expect(cut.channels[0]!.length).toBe(250)
    expect(maxAbsDiff(cut.channels[1]!, refR.subarray(0, 250))).toBeLessThanOrEqual(halfLsb(16))
  })

  it('NaN and Inf in float WAVs are repaired by a line between their finite neighbours, and counted', async () => {
    const bytes = encodeWav([Float32Array.of(0.5, Number.NaN, Number.POSITIVE_INFINITY, -0.5)], 8000, { float: true })
    const audio = await decodeBuffer(bytes, 'nan.wav')
    expect(audio.nonFinite).toBe(2)
    expect(countNonFinite(audio.channels[0]!)).toBe(0)
    expect([...audio.channels[0]!]).toEqual([0.5, 0.5 - 1 / 3, 0.5 - 2 / 3, -0.5].map(Math.fround))
  })
})
