import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { vi } from 'vitest'

const root = fileURLToPath(new URL('../../../', import.meta.url))

/** What one CLI run left behind. */
export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  /** stderr lines that are not progress-bar lines. */
  errorLines: string[]
}

/** Runs the real CLI as a user would (`node --import tsx src-main/cli/index.ts ...`). */
export function runCli(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/index.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, EB_DEBUG: '' }
  })
  return cliRun(r.status, r.stdout, r.stderr)
}

function cliRun(code: number | null, stdout: string, stderr: string): CliRun {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '')
  return { code, stdout, stderr, errorLines: lines.filter((l) => !/^\w[\w -]* \[.*\] \d+%/.test(l)) }
}

/**
 * Runs the CLI's `main` in this process (what the CLI process runs, without a process start per
 * command: the job pool's workers still start), capturing stdout and stderr.
 */
export async function runCliInProcess(...args: string[]): Promise<CliRun> {
  const { main } = await import('../../../src-main/cli/index')
  const out: string[] = []
  const err: string[] = []
  const capture = (sink: string[]) => (chunk: string | Uint8Array) => (sink.push(String(chunk)), true)
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture(out)), vi.spyOn(process.stderr, 'write').mockImplementation(capture(err))]
  let code: number
  try {
    code = await main(args)
  } finally {
    for (const s of spies) s.mockRestore()
  }
  return cliRun(code, out.join(''), err.join(''))
}

/** The last non-empty stdout line parsed as JSON (the --json contract). */
export function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n')
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>
}

/** One in-process CLI run on a data directory: stdout as lines, error lines, and the --json object when asked for. */
export interface DataDirRun {
  code: number | null
  stdout: string[]
  errors: string[]
  json: Record<string, unknown>
}

/** Runs the CLI in-process with `--data-dir dataDir()` appended (a function: suites set their folder in beforeAll). */
export function cliOn(dataDir: () => string): (...args: string[]) => Promise<DataDirRun> {
  return async (...args) => {
    const r = await runCliInProcess(...args, '--data-dir', dataDir())
    return { code: r.code, stdout: r.stdout.trim().split('\n'), errors: r.errorLines, json: r.code === 0 && args.includes('--json') ? lastJson(r.stdout) : {} }
  }
}
