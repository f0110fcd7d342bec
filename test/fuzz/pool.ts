/*
 * Parent side of the case runner: one child process (child.ts) per worker, a per-case time bound
 * (past it the child is killed and the case is a HANG), and a fresh child after any death, so no
 * case can stop the campaign.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ROOT } from './corpus'
import type { CaseResult, CaseSpec } from './outcome'

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url))
/** Building the seed corpus and the base library: well under this even on a loaded 2-core machine. */
const STARTUP_MS = 120_000

/** Runs cases in a child process it restarts as needed. */
export class CaseRunner {
  private child: ChildProcess | undefined
  private stderrTail = ''
  /** The child's temporary folder, removed here when the child is killed (it cannot clean up then). */
  private work: string | undefined
  private handler: ((m: { type: string; spec?: CaseSpec; result?: CaseResult }) => void) | undefined
  private exitHandler: ((how: string) => void) | undefined

  /** Starts a child and waits for its ready message. */
  private async start(): Promise<ChildProcess> {
    const child = fork(CHILD, [], { cwd: ROOT, execArgv: ['--import', 'tsx', '--max-old-space-size=3072'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
    this.stderrTail = ''
    const tail = (b: Buffer): void => {
      this.stderrTail = (this.stderrTail + b.toString('utf8')).slice(-2000)
    }
    child.stdout!.on('data', tail)
    child.stderr!.on('data', tail)
    // A killed child's late events must not reach the handlers of the next child's case.
    this.child = child
    child.on('message', (m) => {
      if (this.child === child) this.handler?.(m as { type: string })
    })
    child.on('exit', (code, signal) => {
      if (this.child === child) this.exitHandler?.(signal ? `signal ${signal}` : `exit code ${code}`)
    })
    await new Promise<void>((resolve, reject) => {
      const onFail = reject
      const timer = setTimeout(() => onFail(new Error(`fuzz child did not start in ${STARTUP_MS / 1000} s: ${this.stderrTail}`)), STARTUP_MS)
      this.handler = (m) => {
        if (m.type !== 'ready') return
        this.work = (m as { work?: string }).work
        clearTimeout(timer)
        resolve()
      }
      this.exitHandler = (how) => {
        clearTimeout(timer)
        onFail(new Error(`fuzz child died while starting (${how}): ${this.stderrTail}`))
      }
    }).catch((err: unknown) => {
      this.child = undefined
      child.kill('SIGKILL')
      throw err
    })
    return child
  }

  /** Runs case `index` of campaign `seed`; never throws for the case's sake. */
  private keep = false

  async run(seed: number, index: number, timeoutMs: number, keep = false): Promise<CaseResult> {
    this.keep ||= keep
    const child = this.child ?? (await this.start())
    const id = `${seed}:${index}`
    let spec: CaseSpec = { id, target: 'info', mutation: '?', seedFile: '?', note: 'the case did not report its spec' }
    const t0 = performance.now()
    return new Promise<CaseResult>((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const finish = (r: CaseResult): void => {
        clearTimeout(timer)
        this.handler = undefined
        this.exitHandler = undefined
        resolve(r)
      }
      const fail = (outcome: 'HANG' | 'CRASH', detail: string): void => {
        this.forget()
        finish({ ...spec, outcome, detail, ms: performance.now() - t0 })
      }
      this.handler = (m) => {
        if (m.type === 'start' && m.spec) {
          spec = m.spec
          // The bound counts from the start of the target, not from building the case.
          clearTimeout(timer)
          timer = setTimeout(() => {
            fail('HANG', `no result after ${timeoutMs / 1000} s (child killed)`)
            child.kill('SIGKILL')
          }, timeoutMs)
        }
        if (m.type === 'result' && m.result) finish(m.result)
      }
      this.exitHandler = (how) => fail('CRASH', `the process died (${how}): ${this.stderrTail.trim().split('\n').slice(-3).join(' | ')}`)
      timer = setTimeout(() => {
        fail('HANG', `no spec after ${timeoutMs / 1000} s while building the case (child killed)`)
        child.kill('SIGKILL')
      }, timeoutMs)
      child.send({ type: 'run', seed, index, keep })
    })
  }

  /** Drops the current child: its late events are ignored, its folder removed once it is gone. */
  private forget(): void {
    const work = this.work
    const child = this.child
    this.child = undefined
    this.work = undefined
    if (work && !this.keep) child?.once('exit', () => rmSync(work, { recursive: true, force: true }))
  }

  /** Stops the child: asked to leave (it removes its folder), killed if it has not within 10 s. */
  close(): void {
    const child = this.child
    if (!child) return
    this.child = undefined
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    timer.unref()
    child.once('exit', () => clearTimeout(timer))
    child.disconnect()
  }
}
