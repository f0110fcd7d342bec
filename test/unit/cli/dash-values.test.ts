/**
 * A flag's value that starts with '-' (`--name -x`), or a flag with its value left out (`--name
 * --json`): Node's parser said only "Option '--name' argument is ambiguous.", which tells a user
 * neither what was wrong nor what to type. Now one line of each, before any work.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCliInProcess } from './run-cli'

const dir = mkdtempSync(join(tmpdir(), 'eb-dash-values-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('a value that starts with -', () => {
  it('says to write --flag=-value, or that the value is missing when a flag follows', async () => {
    const lib = join(dir, 'lib')
    const cases: [string[], string][] = [
      [['datasets', 'rename', '1', '--name', '-x', '--data-dir', lib], 'error: --name: write --name=-x for a value that starts with -'],
      [['datasets', 'rename', '1', '--name', '--json', '--data-dir', lib], 'error: --name: no value given (--json follows it)'],
      [['datasets', 'rename', '1', '--name', '-h'], 'error: --name: no value given (-h follows it)'],
      [['datasets', 'rename', '1', '--name', '--', 'x'], 'error: --name: no value given (-- follows it)'],
      [['datasets', 'rename', '1', '--name', '-5', '--data-dir', lib], 'error: --name: write --name=-5 for a negative value'],
      [['datasets', 'rename', '1', '--name', '-.5e-3', '--data-dir', lib], 'error: --name: write --name=-.5e-3 for a negative value'],
      // Not a number: a bias entry whose dimension is negative is no negative value.
      [['latent', 'decode', 'c.json', '--bias', '-1=2'], 'error: --bias: write --bias=-1=2 for a value that starts with -']
    ]
    for (const [args, line] of cases) {
      const r = await runCliInProcess(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.errorLines[0], args.join(' ')).toBe(line)
      expect(r.errorLines[1], args.join(' ')).toMatch(/^usage: /)
    }
  })

  it('takes --flag=-value and a lone - as values', async () => {
    for (const name of ['--name=-x', '-']) {
      const args = ['datasets', 'rename', '1', ...(name === '-' ? ['--name', '-'] : [name]), '--data-dir', join(dir, 'lib')]
      const r = await runCliInProcess(...args)
      // Parsed: the refusal is the library's (no dataset 1), not the parser's.
      expect(r.errorLines[0], args.join(' ')).toBe('error: dataset 1: not in the library')
      expect(r.code).toBe(1)
    }
  })
})
