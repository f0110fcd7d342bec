import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

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
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '')
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, errorLines: lines.filter((l) => !/^\w+ \[.*\] \d+%/.test(l)) }
}

/** The last non-empty stdout line parsed as JSON (the --json contract). */
export function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n')
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>
}
