import { afterEach, describe, expect, test } from 'vitest'
import { UserError } from '../../../src-main/util/errors'
import { rejection, testPool } from './helpers'

const pools: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()))
})

describe('JobPool failures', () => {
  test('a job that rejects fails with its message; the worker lives on', async () => {
    const pool = testPool()
    pools.push(pool)
    const { threadId } = await pool.run('probe', {}).result
    const job = pool.run('fail', { message: 'the model file is corrupt\nstack line' })
    const err = await rejection(job.result)
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toBe('the model file is corrupt')
    expect(pool.list().at(-1)).toMatchObject({ id: job.id, status: 'failed', error: 'the model file is corrupt' })
    const user = await rejection(pool.run('fail', { message: 'a.wav: not a WAV file', user: true }).result)
    expect(user).toBeInstanceOf(UserError)
    expect(user.message).toBe('a.wav: not a WAV file')
    expect((await pool.run('probe', {}).result).threadId).toBe(threadId)
  })

  test('an uncaught exception kills the worker: its job fails with the error, a new worker takes the next job', async () => {
    const pool = testPool()
    pools.push(pool)
    const { threadId } = await pool.run('probe', {}).result
    const job = pool.run('throwUncaught', { message: 'kernel blew up' })
    const queued = pool.run('probe', {})
    const err = await rejection(job.result)
    expect(err.message).toBe('kernel blew up')
    expect(pool.list().find((j) => j.id === job.id)).toMatchObject({ status: 'failed', error: 'kernel blew up', workerId: threadId })
    const next = await queued.result
    expect(next.threadId).not.toBe(threadId)
  })

  test('process.exit in a worker fails its job; the pool replaces the worker', async () => {
    const pool = testPool()
    pools.push(pool)
    const { threadId } = await pool.run('probe', {}).result
    const err = await rejection(pool.run('exit', { code: 7 }).result)
    expect(err.message).toBe('job worker exited with code 7')
    // Replaced at once (the dead worker had been ready), before any new job asks for it.
    expect(pool.workers()).toHaveLength(1)
    expect(pool.workers()[0]!.threadId).not.toBe(threadId)
    expect((await pool.run('probe', {}).result).threadId).toBe(pool.workers()[0]!.threadId)
  })

  test('running out of memory fails the job, not the process', async () => {
    // A 32 MB old generation fills in well under a second; without a limit V8 would abort the whole process.
    const pool = testPool({ resourceLimits: { maxOldGenerationSizeMb: 32 } })
    pools.push(pool)
    const err = await rejection(pool.run('oom', {}).result)
    expect(err.message).toMatch(/memory limit/)
    expect((await pool.run('probe', {}).result).messagesBeforeReady).toBe(0)
  })

  test('a worker that cannot start fails one waiting job per attempt, never loops', async () => {
    const pool = testPool({ workerUrl: new URL('../../fixtures/jobs/no-such-worker.ts', import.meta.url) })
    pools.push(pool)
    const a = pool.run('probe', {})
    const b = pool.run('probe', {})
    expect((await rejection(a.result)).message).toMatch(/^job worker failed to start: .*no-such-worker/)
    expect((await rejection(b.result)).message).toMatch(/^job worker failed to start: /)
    expect(pool.workers()).toEqual([])
  })
})
