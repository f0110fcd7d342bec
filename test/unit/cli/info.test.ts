import { describe, expect, it } from 'vitest'
import { decodeFile, peak, rms } from '../../../src-main/audio/index'
import { fixture } from '../audio/helpers'
import { lastJson, runCli } from './run-cli'

/** The CLI prints levels computed by the same functions in float64; JSON keeps them exactly. 1e-9 allows for summation order. */
const TOLERANCE = 1e-9

describe('cli info', () => {
  it('--json: the last stdout line is the documented object with the right values', async () => {
    const file = fixture('stereo-16.wav')
    const run = runCli('info', file, '--json')
    expect(run.code).toBe(0)
    expect(run.stdout.trim().split('\n')).toHaveLength(1) // --json suppresses the human lines
    const info = lastJson(run.stdout)
    expect(Object.keys(info).sort()).toEqual(['bitDepth', 'channels', 'codec', 'duration', 'file', 'format', 'nonFiniteSamples', 'peak', 'rms', 'sampleRate'])
    expect(info).toMatchObject({ file, format: 'wav', codec: 'pcm_s16le', bitDepth: 16, sampleRate: 44100, channels: 2, duration: 0.5 })
    const audio = await decodeFile(file)
    const expectedPeak = Math.max(peak(audio.channels[0]!), peak(audio.channels[1]!))
    const expectedRms = Math.sqrt((rms(audio.channels[0]!) ** 2 + rms(audio.channels[1]!) ** 2) / 2)
    expect(Math.abs((info.peak as number) - expectedPeak)).toBeLessThan(TOLERANCE)
    expect(Math.abs((info.rms as number) - expectedRms)).toBeLessThan(TOLERANCE)
    // Independent figures from `sox stereo-16.wav -n stats`: peak -4.46 dBFS, RMS -12.02 dBFS.
    expect(20 * Math.log10(info.peak as number)).toBeCloseTo(-4.46, 2)
    expect(20 * Math.log10(info.rms as number)).toBeCloseTo(-12.02, 2)
  })

  it('lossy files report bitDepth null; human output names every field', () => {
    const json = lastJson(runCli('info', fixture('mono-22k.mp3'), '--json').stdout)
    expect(json).toMatchObject({ format: 'mp3', codec: 'mp3', bitDepth: null, sampleRate: 22050, channels: 1 })
    const run = runCli('info', fixture('stereo.flac'))
    expect(run.code).toBe(0)
    for (const label of ['format       flac (flac, 16-bit)', 'channels     2', 'sample rate  44100 Hz', 'duration     0.500 s', 'peak ', 'rms ']) {
      expect(run.stdout).toContain(label)
    }
  })

  it('a bad file: exit 1, one stderr line naming the file and the reason, nothing on stdout', () => {
    const file = fixture('random.mp3')
    const run = runCli('info', file, '--json')
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr.trim().split('\n')).toEqual([`error: ${file}: not a recognised audio file (no WAV, FLAC, Ogg or MPEG audio signature at its start)`])
  })
})
