/** Bench helpers shared by the sections that drive the CLI as a user would and read their own flags. */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Runs `npm run cli -- ARGS --json` (its stderr shown) and returns its --json result: the last stdout line. */
export function cliJson(args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src-main/cli/index.ts'), ...args, '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = out.trim().split('\n')
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>
}

/** The median of the finite values of `v` (NaN when there are none). */
export function median(v: number[]): number {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** A numeric flag of `v` (parseArgs values): `fallback` when absent; throws naming it when not a number >= min. */
export function numberFlag(v: Record<string, unknown>, name: string, fallback: number, min: number): number {
  const raw = v[name]
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name}: "${String(raw)}" is not a number >= ${min}`)
  return n
}
