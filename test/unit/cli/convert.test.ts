import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeFile, loadMono } from '../../../src-main/audio/index'
import { fixture, maxAbsDiff } from '../audio/helpers'
import { lastJson, runCli } from './run-cli'

/** 16-bit output vs the float pipeline: rounding to the nearest step moves a sample by half an LSB at most. */
const HALF_LSB_16 = 0.5 / 32768

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'eb-convert-'))

describe('cli convert', () => {
  it('FLAC -> 16 kHz mono 16-bit WAV, with a progress bar on stderr', async () => {
    const dir = tempDir()
    const out = join(dir, 'voice.wav')
    const run = runCli('convert', '--in', fixture('stereo.flac'), '--out', out, '--sr', '16000', '--mono', '--json')
    expect(run.code).toBe(0)
    expect(lastJson(run.stdout)).toMatchObject({ out, sampleRate: 16000, channels: 1, frames: 8000, codec: 'pcm_s16le' })
    expect(run.stderr).toMatch(/convert \[.*\] 100%/)
    const written = await decodeFile(out)
    expect(written.format.codec).toBe('pcm_s16le')
    expect(written.sampleRate).toBe(16000)
    expect(maxAbsDiff(written.channels[0]!, await loadMono(fixture('stereo.flac'), 16000))).toBeLessThanOrEqual(HALF_LSB_16)
    expect(readdirSync(dir)).toEqual(['voice.wav'])
  })

  it('--float keeps the samples exactly and the channels as they were', async () => {
    const dir = tempDir()
    const out = join(dir, 'copy.WAV')
    const run = runCli('convert', '--in', fixture('quad-f32x.wav'), '--out', out, '--float')
    expect(run.code).toBe(0)
    const [a, b] = await Promise.all([decodeFile(out), decodeFile(fixture('quad-f32x.wav'))])
    expect(a.format.codec).toBe('pcm_f32le')
    expect(a.channels).toHaveLength(4)
    a.channels.forEach((c, i) => expect(maxAbsDiff(c, b.channels[i]!)).toBe(0))
  })

  const failures: [string, (dir: string) => string[], RegExp][] = [
    ['random bytes named .mp3', (d) => ['--in', fixture('random.mp3'), '--out', join(d, 'o.wav')], /random\.mp3: not a recognised audio file/],
    ['a missing input', (d) => ['--in', join(d, 'nothing.flac'), '--out', join(d, 'o.wav')], /nothing\.flac: file not found$/],
    ['a WAV with no samples', (d) => ['--in', fixture('zero-samples.wav'), '--out', join(d, 'o.wav')], /zero-samples\.wav: WAV file contains no audio samples$/],
    ['an output that is not .wav', (d) => ['--in', fixture('stereo.flac'), '--out', join(d, 'o.mp3')], /o\.mp3: output must be a \.wav file$/]
  ]
  for (const [what, args, reason] of failures) {
    it(`${what}: exit 1, one stderr line, no output or temp file`, () => {
      const dir = tempDir()
      const run = runCli('convert', ...args(dir))
      expect(run.code).toBe(1)
      const lines = run.stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/^error: /)
      expect(lines[0]).toMatch(reason)
      expect(readdirSync(dir)).toEqual([])
    })
  }

  it('a failure while writing (output folder is a file): exit 1, the error last, nothing left behind', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'blocker'), 'not a folder')
    const run = runCli('convert', '--in', fixture('stereo-16.wav'), '--out', join(dir, 'blocker', 'o.wav'))
    expect(run.code).toBe(1)
    expect(run.errorLines).toHaveLength(1)
    expect(run.errorLines[0]).toMatch(/blocker\/o\.wav: cannot write \(part of the path is a file, not a folder\)$/)
    expect(run.stderr.trim().split('\n').at(-1)).toBe(run.errorLines[0])
    expect(readdirSync(dir)).toEqual(['blocker'])
  })
})
