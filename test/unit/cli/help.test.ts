import { afterEach, describe, expect, it, vi } from 'vitest'
import { commands } from '../../../src-main/cli/commands/index'
import { main } from '../../../src-main/cli/index'

/** Captures what `main` writes to stdout while it runs. */
async function stdoutOf(argv: string[]): Promise<{ code: number; out: string }> {
  let out = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk)
    return true
  })
  const code = await main(argv)
  return { code, out }
}

describe('CLI help lines read alike', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it.each(commands.map((c) => [c.name, c] as const))('%s: summary is an imperative sentence without a full stop', (_name, c) => {
    // A capitalised verb first ("List ...", "Import ..."), no trailing period, one line.
    expect(c.summary).toMatch(/^[A-Z][a-z]+ /)
    expect(c.summary).not.toMatch(/\.$/)
    expect(c.summary).not.toContain('\n')
  })

  it.each(commands.map((c) => [c.name, c] as const))('%s: usage names the command, every option, and --json last', (_name, c) => {
    expect(c.usage.startsWith(`${c.name} `)).toBe(true)
    expect(c.usage.endsWith(' [--json]')).toBe(true)
    for (const option of Object.keys(c.options)) expect(c.usage).toContain(`--${option}`)
  })

  it('--help lists every command with its summary, and a command --help prints its usage and summary', async () => {
    const top = await stdoutOf(['--help'])
    expect(top.code).toBe(0)
    expect(top.out.split('\n')[0]).toBe('usage: npm run cli -- <command> [options]')
    const width = Math.max(...commands.map((c) => c.name.length))
    for (const c of commands) expect(top.out).toContain(`  ${c.name.padEnd(width)}  ${c.summary}\n`)
    vi.restoreAllMocks()
    const one = await stdoutOf(['stylize', '--help'])
    expect(one.code).toBe(0)
    expect(one.out).toBe(`usage: ${commands.find((c) => c.name === 'stylize')!.usage}\nTransfer the style of one recording onto another (texture, gram, activation on a trained tagger, match: a fitted vocal effect chain, or wavenet: coordinate descent through a trained WaveNet)\n`)
  })
})
