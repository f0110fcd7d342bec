/**
 * A training run whose process was killed must not stay 'running' (issue 18: the reliability bench
 * SIGKILLed train-tagger mid-run and found run 2 'running' on every later open). Smallest input: a
 * run marked running whose owner file names a process that has exited.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Library } from '../../../src-main/library/library'
import { claimRun, interruptedReason } from '../../../src-main/library/run-owner'
import { tempLibrary } from './helpers'

const libs: { dispose(): void }[] = []
afterEach(() => {
  for (const l of libs.splice(0)) l.dispose()
})

/** The pid of a process that has ended (a child run to its end). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(r.stdout)
}

function runningRun(lib: Library): number {
  const modelId = lib.models.create({ name: 'm', kind: 'tagger/dieleman' })
  const runId = lib.runs.create({ modelId })
  lib.runs.setStatus(runId, 'running')
  return runId
}

function writeOwner(dir: string, runId: number, owner: { pid: number; host: string }): void {
  mkdirSync(join(dir, 'runs'), { recursive: true })
  writeFileSync(join(dir, 'runs', `run-${runId}.owner.json`), JSON.stringify(owner))
}

describe('runs interrupted by the end of their process', () => {
  it('a running run whose owner process has exited is failed, interrupted, on the next open; its owner file then goes', () => {
    const t = tempLibrary()
    libs.push(t)
    const runId = runningRun(t.lib)
    const pid = deadPid()
    writeOwner(t.dir, runId, { pid, host: hostname() })
    t.lib.close()
    const again = Library.open(t.dir)
    try {
      expect(again.runs.get(runId)).toMatchObject({ status: 'failed', error: interruptedReason(pid) })
      expect(again.runs.get(runId)!.finishedAt).not.toBeNull()
    } finally {
      again.close()
    }
    // The next open finds the run finished and tidies its owner file away.
    Library.open(t.dir).close()
    expect(existsSync(join(t.dir, 'runs', `run-${runId}.owner.json`))).toBe(false)
  })

  it('a run this process owns, one owned on another host, and one without an owner file stay running', async () => {
    const t = tempLibrary()
    libs.push(t)
    const mine = runningRun(t.lib)
    await claimRun(t.dir, mine)
    const elsewhere = runningRun(t.lib)
    writeOwner(t.dir, elsewhere, { pid: deadPid(), host: `${hostname()}-other` })
    const unknown = runningRun(t.lib)
    t.lib.close()
    const again = Library.open(t.dir)
    try {
      for (const id of [mine, elsewhere, unknown]) expect(again.runs.get(id)?.status, `run ${id}`).toBe('running')
    } finally {
      again.close()
    }
  })
})
