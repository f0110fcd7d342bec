import { afterEach, describe, expect, test } from 'vitest'
import { geometry, testPool, toneMagnitude } from './helpers'

const pools: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()))
})

describe('JobPool running jobs', () => {
  test('a worker gets no job before its ready message', async () => {
    // The fixture worker takes 300 ms to boot and counts every message that arrives before ready.
    const pool = testPool({ env: { JOBS_FIXTURE_BOOT_DELAY_MS: '300' } })
    pools.push(pool)
    const job = pool.run('probe', {})
    expect(pool.list().find((j) => j.id === job.id)?.status).toBe('queued')
    expect(pool.workers().map((w) => w.state)).toEqual(['booting'])
    const result = await job.result
    expect(result.messagesBeforeReady).toBe(0)
    expect(pool.workers()).toEqual([{ threadId: result.threadId, state: 'idle', backend: 'fixture' }])
    expect(pool.list().find((j) => j.id === job.id)?.backend).toBe('fixture')
  })

  test('env reaches the worker', async () => {
    const pool = testPool({ env: { JOBS_FIXTURE_VALUE: 'hello' } })
    pools.push(pool)
    expect((await pool.run('probe', { envName: 'JOBS_FIXTURE_VALUE' }).result).env).toBe('hello')
  })

  test('a returned array is moved to the caller, not copied', async () => {
    const pool = testPool()
    pools.push(pool)
    const { data } = await pool.run('keepResult', { length: 100_000 }).result
    expect(data[99_999]).toBe(99_999)
    // The worker kept a reference to the array it returned: moving it left that reference detached.
    expect((await pool.run('keptBytes', {}).result).byteLength).toBe(0)
  })

  test('jobs beyond the pool size wait in the queue, in order', async () => {
    const pool = testPool({ size: 1 })
    pools.push(pool)
    let running = 0
    let maxRunning = 0
    const started: string[] = []
    pool.on('job', (info) => {
      if (info.status === 'running' && !started.includes(info.id)) {
        started.push(info.id)
        maxRunning = Math.max(maxRunning, ++running)
      }
      if (info.status === 'done') running--
    })
    const { mag, frames, bins } = toneMagnitude(2000)
    const jobs = [0, 1, 2].map(() => pool.run('griffinLim', { magnitude: mag.slice(), frames, bins, options: { ...geometry, iterations: 5 } }))
    expect(pool.list().map((j) => j.status)).toEqual(['queued', 'queued', 'queued'])
    await Promise.all(jobs.map((j) => j.result))
    expect(maxRunning).toBe(1)
    expect(started).toEqual(jobs.map((j) => j.id))
    expect(pool.workers()).toHaveLength(1)
  })

  test('a pool of two runs two jobs at once and queues the third', async () => {
    const pool = testPool({ size: 2 })
    pools.push(pool)
    const jobs = [0, 1, 2].map(() => pool.run('hold', {}))
    await new Promise<void>((resolve) => {
      const off = pool.on('job', () => {
        if (pool.list().filter((j) => j.progress).length === 2) {
          off()
          resolve()
        }
      })
    })
    expect(pool.list().map((j) => j.status)).toEqual(['running', 'running', 'queued'])
    expect(new Set(pool.list().slice(0, 2).map((j) => j.workerId)).size).toBe(2)
    for (const j of jobs) pool.cancel(j.id)
    await Promise.allSettled(jobs.map((j) => j.result))
  })
})
