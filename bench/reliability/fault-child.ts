/**
 * The CLI as a child process a fault can hit from outside: SIGKILL after a delay, or as soon as a
 * condition on the disk holds (a temporary checkpoint folder appears...), and what a user saw.
 */
import { spawn } from 'node:child_process'
import { watch } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Milliseconds } from '../../src-main/util/units'

/** The repository root (the CLI runs from there, as `npm run cli` does). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** How one CLI child ended. */
export interface ChildRun {
  code: number | null
  signal: NodeJS.Signals | null
  /** True when we killed it (the fault), false when it ended on its own. */
  killed: boolean
  stdout: string
  /** Non-empty stderr lines that are not progress bars. */
  errorLines: string[]
  wallMs: Milliseconds
}

/**
 * When to kill: `delayMs` after the first of these holds: `afterText` appears on stderr (a progress
 * bar's label: the work has begun, start-up is over), `when()` holds (polled every few ms), or a
 * file appears (`watch`).
 */
export interface KillPlan {
  afterText?: RegExp
  when?: () => Promise<boolean>
  /** A file named like `name` appears in `dir` (inotify: a temporary file that lives a millisecond is still seen). */
  watch?: { dir: string; name: RegExp }
  delayMs?: Milliseconds
}

/** Polling period of a `when` condition: short against a checkpoint write of tens of ms. */
const POLL_MS = 3
/** Any CLI run here ends well within this on two cores; a hang is reported, not waited for. */
const TIMEOUT_MS = 120_000

/** Progress-bar lines (cli/progress.ts: `label [bar] NN%`), not errors. */
const PROGRESS_LINE = /^\w[\w -]* \[.*\] \d+%/

/**
 * Runs `node --import tsx src-main/cli/index.ts ...args` and kills it (SIGKILL) as `kill` says;
 * `uid` runs it as another user. Resolves however it ends (a hang past TIMEOUT_MS is killed too).
 */
export function runCliChild(args: string[], kill: KillPlan = {}, env: Record<string, string> = {}): Promise<ChildRun> {
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/index.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, EB_DEBUG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
  let killed = false
  let exited = false
  let armed = false
  const timers: ReturnType<typeof setTimeout>[] = [setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS)]
  const arm = (): void => {
    if (armed) return
    armed = true
    timers.push(
      setTimeout(() => {
        if (!exited) killed = child.kill('SIGKILL')
      }, kill.delayMs ?? 0)
    )
  }
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s
    if (kill.afterText?.test(stderr)) arm()
  })
  const watcher = kill.watch && watch(kill.watch.dir, (_event, name) => {
    if (name !== null && kill.watch!.name.test(name)) arm()
  })
  if (kill.when) {
    const when = kill.when
    const poll = async (): Promise<void> => {
      if (exited || armed) return
      if (await when().catch(() => false)) arm()
      else timers.push(setTimeout(() => void poll(), POLL_MS))
    }
    void poll()
  }
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      exited = true
      watcher?.close()
      for (const t of timers) clearTimeout(t)
      const errorLines = stderr
        .split(/\r?\n|\r/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !PROGRESS_LINE.test(l))
      resolve({ code, signal, killed: killed && signal === 'SIGKILL', stdout, errorLines, wallMs: performance.now() - started })
    })
  })
}

/** What is wrong with how a child that was not killed ended: a crash, an unclear refusal, or null for a clean end. */
export function userFacingProblem(run: ChildRun, expect: 'ok' | 'refused'): { crash: boolean; text: string } | null {
  if (run.signal !== null) return { crash: true, text: `ended by ${run.signal}` }
  const stack = run.errorLines.find((l) => /^at .+(:\d+:\d+\)?|\(native\))$/.test(l))
  if (stack) return { crash: true, text: `printed a stack trace (${stack})` }
  if (run.code !== 0 && run.code !== 1 && run.code !== 2) return { crash: true, text: `exit ${run.code}: ${run.errorLines.join(' | ')}` }
  if (expect === 'ok') return run.code === 0 ? null : { crash: false, text: `exit ${run.code}: ${run.errorLines.join(' | ')}` }
  if (run.code === 0) return { crash: false, text: 'succeeded where a refusal was expected' }
  const errors = run.errorLines.filter((l) => !l.startsWith('usage: '))
  if (errors.length !== 1 || !errors[0]!.startsWith('error: ')) return { crash: false, text: `refused in ${errors.length} lines, not one "error:" line: ${errors.join(' | ')}` }
  return null
}

/** The last stdout line as JSON (the CLI's --json contract). */
export function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n')
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>
}
