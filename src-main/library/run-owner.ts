/**
 * Which process runs a training run, so a run whose process was killed (SIGKILL, power cut, a
 * crash) does not stay 'running' for ever: the job writes `<dataDir>/runs/run-<id>.owner.json`
 * (pid and host) before it marks the run running, and every Library.open marks a running run whose
 * owner on this host no longer exists as failed, interrupted. A run without an owner file, or owned
 * on another host (a library on a shared folder), is left as it is: nothing can tell whether it lives.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { writeFileAtomic } from '../util/atomic-write'
import type { RunRepository } from './runs'

/** Folder of the owner files inside a data directory. */
const OWNERS = 'runs'

interface Owner {
  pid: number
  host: string
}

const ownerFile = (dataDir: string, runId: number): string => join(dataDir, OWNERS, `run-${runId}.owner.json`)

/** Records this process as the owner of run `runId` (call before marking it running); rejects with cannotWrite's line. */
export async function claimRun(dataDir: string, runId: number): Promise<void> {
  const owner: Owner = { pid: process.pid, host: hostname() }
  await writeFileAtomic(ownerFile(dataDir, runId), JSON.stringify(owner))
}

/** Removes run `runId`'s owner file, if it has one (the run was deleted from the library); never throws. */
export function releaseRun(dataDir: string, runId: number): void {
  try {
    rmSync(ownerFile(dataDir, runId), { force: true })
  } catch {
    // Left behind, it names a run no longer in the library: harmless, and the next open does not read it as running.
  }
}

/** The line a run interrupted by the end of its process is failed with. */
export const interruptedReason = (pid: number): string =>
  `interrupted: its process (pid ${pid}) ended before the run did; continue it from its last checkpoint with --resume`

/**
 * Marks each running run whose owner process on this host is gone as failed (interruptedReason),
 * and removes the owner files of finished runs. Returns the ids it failed. Never throws: it is a
 * repair on open, and a library it cannot write is refused by the open itself.
 */
export function failInterruptedRuns(dataDir: string, runs: RunRepository): number[] {
  const failed: number[] = []
  try {
    const here = hostname()
    for (const run of runs.list({ status: 'running' })) {
      const owner = readOwner(ownerFile(dataDir, run.id))
      if (!owner || owner.host !== here || alive(owner.pid)) continue
      runs.setStatus(run.id, 'failed', interruptedReason(owner.pid))
      failed.push(run.id)
    }
    for (const name of listOwners(dataDir)) {
      const id = Number(/^run-(\d+)\.owner\.json$/.exec(name)?.[1])
      const status = Number.isInteger(id) ? runs.get(id)?.status : undefined
      if (status === 'completed' || status === 'failed' || status === 'stopped') rmSync(join(dataDir, OWNERS, name), { force: true })
    }
  } catch {
    // A busy or unreadable library: the next open tries again.
  }
  return failed
}

function listOwners(dataDir: string): string[] {
  try {
    return readdirSync(join(dataDir, OWNERS))
  } catch {
    return []
  }
}

function readOwner(path: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<Owner>
    return Number.isInteger(o.pid) && typeof o.host === 'string' ? { pid: o.pid!, host: o.host } : null
  } catch {
    return null
  }
}

/** Whether process `pid` exists (signal 0 only checks; EPERM means it exists under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
