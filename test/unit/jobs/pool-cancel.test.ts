import { afterEach, describe, expect, test } from 'vitest'
import { isJobCancelled } from '../../../src-main/jobs/errors'
import { firstProgress, geometry, rejection, testPool, toneMagnitude } from './helpers'

const pools: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()))
})

/**
 * Bound on how long a cancel may take. The requirement is 1 s; the bound is generous because the
 * machine is shared, and the uncancelled jobs here would run for minutes, so it still tells
 * "stopped" from "ran on".
 */
const CANCEL_BOUND_MS = 3000

/** A Griffin-Lim job of 100 000 iterations: minutes of work unless cancelled. */
function longJob(): Parameters<ReturnType<typeof testPool>['run']>[1] {
  const { mag, frames, bins } = toneMagnitude(8000)
  return { magnitude: mag, frames, bins, options: { ...geometry, iterations: 100_000 } }
}

describe('JobPool cancel', () => {
  test('a synchronous engine that checks per step stops quickly and keeps its worker', async () => {
    const pool = testPool()
    pools.push(pool)
    const job = pool.run('griffinLim', longJob() as never)
    await firstProgress(pool, job.id)
    const threadId = pool.workers()[0]!.threadId
    const t0 = performance.now()
    pool.cancel(job.id)
    const err = await rejection(job.result)
    const ms = performance.now() - t0
    expect(err.name).toBe('JobCancelled')
    expect(isJobCancelled(err)).toBe(true)
    expect(ms).toBeLessThan(CANCEL_BOUND_MS)
    console.log(`honoured cancel took ${ms.toFixed(0)} ms`)
    expect(pool.list().at(-1)).toMatchObject({ id: job.id, status: 'cancelled' })
    // Honoured: the same worker takes the next job.
    expect((await pool.run('probe', {}).result).threadId).toBe(threadId)
  })

  test('an AbortSignal cancels, before and during the run', async () => {
    const pool = testPool()
    pools.push(pool)
    const early = new AbortController()
    early.abort()
    const never = pool.run('hold', {}, { signal: early.signal })
    expect((await rejection(never.result)).name).toBe('JobCancelled')
    expect(pool.list().at(-1)).toMatchObject({ id: never.id, status: 'cancelled' })
    expect(pool.list().at(-1)?.startedAt).toBeUndefined()

    const ctl = new AbortController()
    const job = pool.run('hold', {}, { signal: ctl.signal })
    await firstProgress(pool, job.id)
    ctl.abort()
    expect((await rejection(job.result)).name).toBe('JobCancelled')
  })

  test('a job that ignores the cancel is stopped by terminating its worker, which is replaced', async () => {
    const pool = testPool()
    pools.push(pool)
    const first = await pool.run('probe', {}).result
    const job = pool.run('spin', {})
    // The worker is idle and ready, so the job is handed to it at once.
    expect(pool.list().at(-1)).toMatchObject({ id: job.id, status: 'running', workerId: first.threadId })
    const t0 = performance.now()
    pool.cancel(job.id)
    const err = await rejection(job.result)
    const ms = performance.now() - t0
    expect(err.name).toBe('JobCancelled')
    expect(ms).toBeLessThan(CANCEL_BOUND_MS)
    console.log(`terminating cancel took ${ms.toFixed(0)} ms`)
    const next = await pool.run('probe', {}).result
    expect(next.threadId).not.toBe(first.threadId)
    expect(pool.workers().map((w) => w.threadId)).toEqual([next.threadId])
  })

  test('a queued job is cancelled without ever running', async () => {
    const pool = testPool({ size: 1 })
    pools.push(pool)
    const running = pool.run('hold', {})
    const queued = pool.run('probe', {})
    await firstProgress(pool, running.id)
    pool.cancel(queued.id)
    expect((await rejection(queued.result)).name).toBe('JobCancelled')
    expect(pool.list().find((j) => j.id === queued.id)).toMatchObject({ status: 'cancelled' })
    expect(pool.list().find((j) => j.id === queued.id)?.startedAt).toBeUndefined()
    pool.cancel(running.id)
    expect((await rejection(running.result)).name).toBe('JobCancelled')
    pool.cancel('no-such-job')
  })
})
