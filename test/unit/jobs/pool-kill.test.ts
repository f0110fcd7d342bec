/**
 * A worker killed from outside mid-job (issue 18's fault injection, a worker stuck in native code):
 * the job fails with the reason given, and a fresh worker runs the next job. Smallest case the
 * reliability bench found: a busy worker, one kill, one following job.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { firstProgress, rejection, testPool } from './helpers'

const pools: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()))
})

describe('JobPool.killWorker', () => {
  test('a busy worker killed from outside fails its job with the reason; a new worker runs the next job', async () => {
    const pool = testPool()
    pools.push(pool)
    const { threadId } = await pool.run('probe', {}).result
    const held = pool.run('hold', {})
    await firstProgress(pool, held.id)
    const queued = pool.run('probe', {})
    expect(await pool.killWorker(threadId, 'job worker killed (test)')).toBe(true)
    expect((await rejection(held.result)).message).toBe('job worker killed (test)')
    expect(pool.list().find((j) => j.id === held.id)).toMatchObject({ status: 'failed', error: 'job worker killed (test)' })
    expect((await queued.result).threadId).not.toBe(threadId)
  })

  test('a spinning worker (no await to see a message) is killed too', async () => {
    const pool = testPool()
    pools.push(pool)
    const { threadId } = await pool.run('probe', {}).result
    const spin = pool.run('spin', {})
    // The worker is busy in a loop that never yields: only a kill from outside ends it.
    await new Promise((r) => setTimeout(r, 50))
    expect(await pool.killWorker(threadId, 'killed')).toBe(true)
    expect((await rejection(spin.result)).message).toBe('killed')
    expect(await pool.run('probe', {}).result).toMatchObject({ messagesBeforeReady: 0 })
  })

  test('an unknown thread id is not killed', async () => {
    const pool = testPool()
    pools.push(pool)
    await pool.run('probe', {}).result
    expect(await pool.killWorker(-1, 'x')).toBe(false)
  })
})
