import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import wavefile from 'wavefile'
import { decodeBuffer, decodeFile, encodeWav, writeWav } from '../../../src-main/audio/index'
import { UserError } from '../../../src-main/util/errors'
import { maxAbsDiff, sine } from './helpers'

/** Half a 16-bit step: the most rounding to the nearest integer can move an in-range sample. */
const HALF_LSB_16 = 0.5 / 32768

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'eb-wav-'))

describe('WAV encode / decode round trip', () => {
  const left = sine(440, 44100, 4410, 0.8)
  const right = sine(660, 44100, 4410, 0.3)

  it('16-bit PCM: within half an LSB, and an independent reader (wavefile) agrees', async () => {
    const bytes = encodeWav([left, right], 44100, {})
    expect(bytes.length).toBe(44 + 4410 * 4) // canonical 44-byte header
    const back = await decodeBuffer(bytes, 'rt16.wav')
    expect(back.format).toEqual({ container: 'wav', codec: 'pcm_s16le', bitDepth: 16 })
    expect(back.sampleRate).toBe(44100)
    expect(maxAbsDiff(back.channels[0]!, left)).toBeLessThanOrEqual(HALF_LSB_16)
    expect(maxAbsDiff(back.channels[1]!, right)).toBeLessThanOrEqual(HALF_LSB_16)
    const other = new wavefile.WaveFile(bytes)
    const ints = other.getSamples(false, Float64Array) as unknown as Float64Array[]
    expect(Math.round(left[100]! * 32768)).toBe(ints[0]![100])
    expect(Math.round(right[200]! * 32768)).toBe(ints[1]![200])
  })

  it('16-bit PCM clips out-of-range samples and writes NaN as 0', async () => {
    const x = Float32Array.of(1.5, -1.5, 1, -1, Number.NaN, 0.25)
    const back = (await decodeBuffer(encodeWav([x], 8000, {}), 'clip.wav')).channels[0]!
    expect(Array.from(back)).toEqual([32767 / 32768, -1, 32767 / 32768, -1, 0, 0.25])
  })

  it('32-bit float: exact, including values beyond full scale', async () => {
    const x = Float32Array.of(1.5, -2, 0.1, 1e-30)
    const bytes = encodeWav([x, left.subarray(0, 4)], 22050, { float: true })
    const back = await decodeBuffer(bytes, 'rtf.wav')
    expect(back.format).toEqual({ container: 'wav', codec: 'pcm_f32le', bitDepth: 32 })
    expect(back.channels[0]).toEqual(x)
    expect(back.channels[1]).toEqual(left.subarray(0, 4))
    const other = new wavefile.WaveFile(bytes)
    expect(other.bitDepth).toBe('32f')
    expect((other.getSamples(false, Float64Array) as unknown as Float64Array[])[0]![0]).toBe(1.5)
  })

  it('more than two channels are written as WAVE_FORMAT_EXTENSIBLE and read back', async () => {
    const chans = [left, right, left.map((v) => -v), right.map((v) => v / 2), left.map(() => 0)]
    for (const float of [false, true]) {
      const bytes = encodeWav(chans, 48000, { float })
      expect(new DataView(bytes.buffer).getUint16(20, true)).toBe(0xfffe)
      // wavefile reads the subformat GUID as four uint32: PCM or IEEE float KSDATAFORMAT_SUBTYPE.
      const other = new wavefile.WaveFile(bytes) as unknown as { fmt: { subformat: number[]; numChannels: number } }
      expect(other.fmt.subformat).toEqual([float ? 3 : 1, 0x00100000, 0xaa000080, 0x719b3800])
      expect(other.fmt.numChannels).toBe(5)
      const back = await decodeBuffer(bytes, 'multi.wav')
      expect(back.channels).toHaveLength(5)
      chans.forEach((c, i) => expect(maxAbsDiff(back.channels[i]!, c)).toBeLessThanOrEqual(float ? 0 : HALF_LSB_16))
    }
  })

  it('refuses bad arguments', () => {
    expect(() => encodeWav([], 44100, {})).toThrow(UserError)
    expect(() => encodeWav([new Float32Array(2), new Float32Array(3)], 44100, {})).toThrow(UserError)
    expect(() => encodeWav([new Float32Array(2)], 0, {})).toThrow(UserError)
    expect(() => encodeWav([new Float32Array(2)], 44100.5, {})).toThrow(UserError)
  })
})

describe('writeWav', () => {
  it('writes a file that decodes back', async () => {
    const dir = tempDir()
    const path = join(dir, 'sub', 'out.wav')
    await writeWav(path, [sine(440, 16000, 1600)], 16000, {})
    const back = await decodeFile(path)
    expect(back.sampleRate).toBe(16000)
    expect(back.channels[0]!.length).toBe(1600)
    expect(readdirSync(join(dir, 'sub'))).toEqual(['out.wav'])
  })

  it('a failed write leaves neither the file nor a temp file, and says why', async () => {
    const dir = tempDir()
    // The final name is a non-empty directory: the temp file gets written, then the rename fails.
    const path = join(dir, 'taken.wav')
    mkdirSync(path)
    writeFileSync(join(path, 'keep'), 'x')
    const err = await writeWav(path, [sine(440, 16000, 1600)], 16000, {}).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(err).toBeInstanceOf(UserError)
    expect((err as Error).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot write \\(a folder has that name\\)$`))
    expect(readdirSync(dir)).toEqual(['taken.wav'])
    expect(readdirSync(path)).toEqual(['keep'])
    expect(readFileSync(join(path, 'keep'), 'utf8')).toBe('x')
  })
})
