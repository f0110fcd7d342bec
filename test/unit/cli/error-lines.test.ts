/** Error lines found by the fuzz campaign: each names the file and stays one visible line. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeError, visibleText } from '../../../src-main/util/errors'
import { loadGlove } from '../../../src-main/datasets/glove/load'
import { runCli } from './run-cli'

const dir = mkdtempSync(join(tmpdir(), 'eb-errlines-'))
const audio = (name: string): string => new URL(`../../fixtures/audio/${name}`, import.meta.url).pathname

describe('error lines', () => {
  it('control characters in a message (a parser quoting a bare CR) are written as escapes', () => {
    expect(visibleText('got "\r" at line 3')).toBe('got "\\r" at line 3')
    expect(describeError(new Error('bad\tfield\u001b[2J\nsecond line'))).toBe('bad\\tfield\\u001b[2J')
  })

  it('an empty flag value is refused by name (a shell variable that was not set), not used as ""', () => {
    const r = runCli('generate', '--model', '1', '--speaker', '', '--out', join(dir, 'x.wav'), '--data-dir', join(dir, 'lib'))
    expect(r.code).toBe(2)
    expect(r.errorLines[0]).toBe('error: --speaker: the value is empty')
    const out = runCli('convert', '--in', audio('mono-16.wav'), '--out', ' ')
    expect(out.code).toBe(2)
    expect(out.errorLines[0]).toBe('error: --out: the value is empty')
  })

  it('a resampling ratio beyond libsamplerate names the file (convert and the stylize loader)', async () => {
    const b = new Uint8Array(readFileSync(audio('mono-16.wav')))
    new DataView(b.buffer).setUint32(24, 1, true) // a 1 Hz rate in the fmt chunk
    const path = join(dir, 'one-hertz.wav')
    writeFileSync(path, b)
    const r = runCli('convert', '--in', path, '--out', join(dir, 'out.wav'), '--sr', '44100')
    expect(r.code).toBe(1)
    expect(r.errorLines).toEqual([`error: ${path}: resample: 1 Hz -> 44100 Hz is a ratio beyond libsamplerate's limit of 256`])
    const { loadMono } = await import('../../../src-main/audio/load')
    await expect(loadMono(path, 16000)).rejects.toThrow(`${path}: resample: 1 Hz -> 16000 Hz`)
  })

  it("GloVe: a multi-word token on the first line sets the dimension by the line's numbers", async () => {
    const path = join(dir, 'multi.txt')
    writeFileSync(path, 'rock and roll 0.1 0.2 0.3\nof 0.4 0.5 0.6\n1999 0.7 0.8 0.9\n')
    const { embeddings } = await loadGlove(path)
    expect(embeddings.dim).toBe(3)
    expect(embeddings.size).toBe(3)
  })
})
