/** A single-valued flag given twice is refused in one line before any work; flags meant to repeat still do. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCliInProcess } from './run-cli'

const dir = mkdtempSync(join(tmpdir(), 'eb-repeated-'))
const voice = 'resources/examples/content-voice.wav'
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('repeated flags', () => {
  it('refuses a repeated single-valued flag of any command, naming it and what was given, writing nothing', async () => {
    const out = join(dir, 'o.wav')
    const cases: [string[], string][] = [
      [['stylize', '--content', voice, '--style', voice, '--out', out, '--method', 'match', '--loudness=-16', '--loudness=-14'], 'error: --loudness: given twice ("-16", "-14"); give it once'],
      [['apply-chain', '--chain', join(dir, 'c.json'), '--in', voice, '--in', voice, '--out', out], `error: --in: given twice ("${voice}", "${voice}"); give it once`],
      [['convert', '--in', voice, '--out', out, '--sr', '8000', '--sr', '16000', '--sr=22050'], 'error: --sr: given 3 times ("8000", "16000", "22050"); give it once'],
      [['presets', '--data-dir', join(dir, 'a'), '--data-dir', join(dir, 'b')], `error: --data-dir: given twice ("${join(dir, 'a')}", "${join(dir, 'b')}"); give it once`]
    ]
    for (const [args, line] of cases) {
      const r = await runCliInProcess(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.errorLines[0], args.join(' ')).toBe(line)
      expect(r.errorLines[1], args.join(' ')).toMatch(/^usage: /)
    }
    expect(existsSync(out)).toBe(false)
    expect(existsSync(join(dir, 'a'))).toBe(false)
  })

  it('lets a flag declared to repeat repeat, and a repeated boolean through', async () => {
    const r = await runCliInProcess('convert', '--in', voice, '--out', join(dir, 'c.wav'), '--json', '--json')
    expect(r.errorLines).toEqual([])
    expect(r.code).toBe(0)
    // clips --tag repeats by design: refused for the missing dataset, not for the repeat.
    const c = await runCliInProcess('clips', '--dataset', '1', '--tag', 'rock', '--tag', 'slow', '--data-dir', join(dir, 'lib'))
    expect(c.errorLines[0]).not.toMatch(/given twice/)
  })
})
