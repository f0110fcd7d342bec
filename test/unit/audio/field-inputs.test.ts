import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { countNonFinite, decodeBuffer, decodeFile, loadMonoNoted, peak, probeAudio, readAudioHeader } from '../../../src-main/audio/index'
import { lastJson, runCli } from '../cli/run-cli'
import { fixture, maxAbsDiff, sine } from './helpers'

/*
 * Issue 12's field inputs of the audio room, each the smallest file of its kind, made by
 * test/fixtures/audio/generate_field.py: a FLAC whose frames take the rate from STREAMINFO, a float
 * WAV with NaN/Inf samples, and WAVs whose data size is true, the 0x7FFFFFFF placeholder, or 0.
 */

/** 16-bit rounding of the fixture's sine: half an LSB. */
const HALF_LSB_16 = 0.5 / 32768

afterEach(() => {
  vi.restoreAllMocks()
})

describe('FLAC frames that take the sample rate from STREAMINFO (rate code 0000)', () => {
  it('decode at the STREAMINFO rate, sample for sample, with nothing printed', async () => {
    const printed = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'log')]
    const audio = await decodeFile(fixture('flac-rate-streaminfo.flac'))
    expect(audio.sampleRate).toBe(48000)
    expect(audio.channels).toHaveLength(1)
    expect(audio.channels[0]!.length).toBe(2400)
    // The generator wrote round(16383 sin(2 pi 440 t)) / 32768.
    expect(maxAbsDiff(audio.channels[0]!, sine(440, 48000, 2400, 16383 / 32768))).toBeLessThanOrEqual(HALF_LSB_16 + 1e-7)
    for (const spy of printed) expect(spy).not.toHaveBeenCalled()
  })

  it('agrees with the header reader the importers use', () => {
    expect(readAudioHeader(fixture('flac-rate-streaminfo.flac'))).toEqual({ container: 'flac', sampleRate: 48000, channels: 1, durationS: 0.05 })
  })

  it('a short last frame (a few bytes: a constant subframe) is decoded too, so decoder and header agree', async () => {
    // flac -8 ended this take with a 13-byte frame of 833 samples; flac -d gives 13121 samples.
    const take = fileURLToPath(new URL('../../fixtures/vctk/v092/wav48_silence_trimmed/p226/p226_002_mic1.flac', import.meta.url))
    const audio = await decodeFile(take)
    expect(audio.channels[0]!.length).toBe(13121)
    expect(readAudioHeader(take).durationS).toBe(13121 / audio.sampleRate)
  })

  it('a FLAC whose frames are all damaged gives one line on stderr and exit 1 (no decoder chatter)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-flac-'))
    const bytes = new Uint8Array(readFileSync(fixture('flac-rate-streaminfo.flac')))
    let start = 4 // past "fLaC" and every metadata block: where the frames begin
    for (let last = false; !last; start += 4 + ((bytes[start + 1]! << 16) | (bytes[start + 2]! << 8) | bytes[start + 3]!)) last = (bytes[start]! & 0x80) !== 0
    for (let i = start + 8; i < bytes.length; i++) bytes[i] = (bytes[i]! * 31 + 7) & 0xff // scramble every frame
    const path = join(dir, 'damaged.flac')
    writeFileSync(path, bytes)
    const r = runCli('info', path)
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^error: .*damaged\.flac: no intact FLAC frame/)
  })
})

describe('non-finite samples (one policy: repaired at decode, reported by every door)', () => {
  const file = fixture('float-nonfinite.wav')

  it('decode repairs NaN, +Inf and -Inf from their neighbours and counts them', async () => {
    const audio = await decodeFile(file)
    expect(audio.nonFinite).toBe(3)
    const x = audio.channels[0]!
    expect(countNonFinite(x)).toBe(0)
    // A -6 dB sine stays a -6 dB sine: the repaired samples lie between their neighbours.
    expect(peak(x)).toBeLessThanOrEqual(0.5 + 1e-6)
    expect(maxAbsDiff(x, sine(1000, 48000, 4800, 0.5))).toBeLessThan(0.07) // one step of a 1 kHz sine at 48 kHz
  })

  it('a run of bad samples at the ends is ramped from silence', async () => {
    const ok = await decodeFile(fixture('float-32.wav'))
    const bytes = new Uint8Array(readFileSync(fixture('float-32.wav')))
    const { dataStart } = (await import('../../../src-main/audio/wav-decode')).readWavLayout(bytes, 'x')
    const view = new DataView(bytes.buffer, bytes.byteOffset)
    view.setFloat32(dataStart, NaN, true) // first left sample
    view.setFloat32(bytes.length - 4, Infinity, true) // last right sample
    const audio = await decodeBuffer(bytes, 'edges.wav')
    expect(audio.nonFinite).toBe(2)
    expect(audio.channels[0]![0]).toBeCloseTo(ok.channels[0]![1]! / 2, 6)
    expect(audio.channels[1]!.at(-1)).toBeCloseTo(ok.channels[1]!.at(-2)! / 2, 6)
  })

  it('info reports the count, in the human lines and the JSON', () => {
    const human = runCli('info', file)
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/repaired +3 non-finite samples \(NaN\/Inf\) repaired from their neighbours/)
    expect(lastJson(runCli('info', file, '--json').stdout).nonFiniteSamples).toBe(3)
    expect(lastJson(runCli('info', fixture('float-32.wav'), '--json').stdout).nonFiniteSamples).toBe(0)
  })

  it('convert --sr 44100 says so and writes the sine at its own level', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'eb-nan-')), 'out.wav')
    const r = runCli('convert', '--in', file, '--out', out, '--sr', '44100', '--json')
    expect(r.code).toBe(0)
    expect(r.errorLines).toEqual([])
    expect(lastJson(r.stdout).nonFiniteSamples).toBe(3)
    expect(runCli('convert', '--in', file, '--out', out, '--sr', '44100').stdout).toMatch(/^note: .*float-nonfinite\.wav: 3 non-finite samples/m)
    const written = await decodeFile(out)
    expect(written.nonFinite).toBe(0)
    expect(peak(written.channels[0]!)).toBeLessThan(0.51) // was full-scale bursts before the repair
  })

  it('the stylize loader passes the note on, naming the file', async () => {
    const r = await loadMonoNoted(file, 16000)
    expect(countNonFinite(r.samples)).toBe(0)
    expect(r.notes).toEqual([`${file}: 3 non-finite samples (NaN/Inf) repaired from their neighbours`])
    expect((await loadMonoNoted(fixture('float-32.wav'), 16000)).notes).toEqual([])
  })
})

describe('WAV data-chunk sizes: one header reader for the decoder and the importers', () => {
  const cases = [
    ['datasize-true.wav', 'the true size'],
    ['datasize-7fffffff.wav', '0x7FFFFFFF (streaming placeholder): capped at the bytes present'],
    ['datasize-0.wav', '0: to the end of the file']
  ] as const
  for (const [name, what] of cases) {
    it(`${what}: 1 s from the header and from the decoder`, async () => {
      expect(readAudioHeader(fixture(name))).toEqual({ container: 'wav', sampleRate: 16000, channels: 1, durationS: 1 })
      const audio = await decodeFile(fixture(name))
      expect(audio.channels[0]!.length).toBe(16000)
      expect(lastJson(runCli('info', fixture(name), '--json').stdout).duration).toBe(1)
    })
  }

  it('0xFFFFFFFF also means to the end of the file', () => {
    const bytes = new Uint8Array(readFileSync(fixture('datasize-true.wav')))
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(40, 0xffffffff, true)
    expect(probeAudio(bytes, 'stream.wav').frames).toBe(16000)
  })

  it('reads only the head of a file, yet caps at the whole file size', () => {
    const bytes = new Uint8Array(readFileSync(fixture('datasize-7fffffff.wav')))
    expect(probeAudio(bytes.subarray(0, 64), 'head.wav', bytes.length).frames).toBe(16000)
  })

  it('refuses what has no header to read, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-hdr-'))
    writeFileSync(join(dir, 'empty.mp3'), '')
    expect(() => readAudioHeader(join(dir, 'empty.mp3'))).toThrow(/empty\.mp3: file is empty$/)
    expect(() => readAudioHeader(join(dir, 'absent.wav'))).toThrow(/absent\.wav: file not found$/)
    expect(() => readAudioHeader(fixture('random.mp3'))).toThrow(/random\.mp3: not a recognised audio file/)
    expect(readAudioHeader(fixture('stereo.mp3'))).toMatchObject({ container: 'mp3', sampleRate: 44100, channels: 2, durationS: null })
  })
})

describe('MPEG sync: one frame header alone is not a stream', () => {
  it('random bytes behind a valid-looking frame header are refused; a chain of real frames is not', () => {
    const bytes = new Uint8Array(4096)
    let s = 7
    for (let i = 0; i < bytes.length; i++) bytes[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24
    bytes.set([0xff, 0xfb, 0x90, 0x64], 0) // MPEG-1 layer III, 128 kbit/s, 44.1 kHz: 417-byte frames
    bytes[417] = 0x00 // and no frame where the next one should start
    expect(() => probeAudio(bytes, 'noise.mp3')).toThrow(/noise\.mp3: not a recognised audio file/)
    const real = new Uint8Array(readFileSync(fixture('stereo.mp3')))
    expect(probeAudio(real, 'stereo.mp3')).toMatchObject({ container: 'mp3', sampleRate: 44100, channels: 2 })
  })
})

describe('the CLI on a closed pipe', () => {
  it('`info ... | head -1` exits 0 without a stack trace', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/index.ts', 'info', fixture('stereo.flac')], { cwd: root })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.destroy() // the reader is gone before the first line is written
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)))
    expect(stderr).toBe('')
    expect(code).toBe(0)
  })
})
