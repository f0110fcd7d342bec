import { describe, expect, test } from 'vitest'
import { closeJobPool, getJobPool } from '../../../src-main/api/jobs'
import { firstProgress, rejection, testPool } from './helpers'

describe('JobPool close', () => {
  test('close() cancels running and queued jobs, terminates every worker, and refuses new jobs', async () => {
    const pool = testPool({ size: 2 })
    const a = pool.run('hold', {})
    const b = pool.run('spin', {})
    const c = pool.run('probe', {})
    const errors = [a, b, c].map((job) => rejection(job.result))
    await firstProgress(pool, a.id)
    expect(pool.workers()).toHaveLength(2)
    const closing = pool.close()
    expect(pool.close()).toBe(closing)
    await closing
    for (const err of await Promise.all(errors)) {
      expect(err.name).toBe('JobCancelled')
      expect(err.message).toMatch(/the job pool closed$/)
    }
    expect(pool.workers()).toEqual([])
    expect(pool.list().map((j) => j.status)).toEqual(['cancelled', 'cancelled', 'cancelled'])
    expect((await rejection(pool.run('probe', {}).result)).message).toBe('job probe: the job pool is closed')
  })

  test('on() returns an unsubscribe function', async () => {
    const pool = testPool()
    const seen: string[] = []
    const off = pool.on('job', (info) => seen.push(info.status))
    await pool.run('probe', {}).result
    off()
    await pool.run('probe', {}).result
    expect(seen).toEqual(['queued', 'running', 'done'])
    await pool.close()
  })

  test('getJobPool() is one pool per process until closeJobPool()', async () => {
    const pool = getJobPool()
    expect(getJobPool()).toBe(pool)
    await closeJobPool()
    const next = getJobPool()
    expect(next).not.toBe(pool)
    await closeJobPool()
    await closeJobPool()
  })

  test('EB_JOB_WORKERS sets the size of the process-wide pool; a bad value is a UserError', async () => {
    try {
      process.env.EB_JOB_WORKERS = '2'
      expect(getJobPool().size).toBe(2)
      await closeJobPool()
      process.env.EB_JOB_WORKERS = 'two'
      expect(() => getJobPool()).toThrow(expect.objectContaining({ name: 'UserError', message: 'EB_JOB_WORKERS "two" is not a whole number of workers' }))
      process.env.EB_JOB_WORKERS = '0'
      expect(() => getJobPool()).toThrow('job pool size 0 is not an integer in 1..32')
    } finally {
      delete process.env.EB_JOB_WORKERS
      await closeJobPool()
    }
    expect(getJobPool().size).toBe(1)
    await closeJobPool()
  })
})
