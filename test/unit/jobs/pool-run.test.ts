import { afterEach, describe, expect, test } from 'vitest'
import { griffinLim, spectralConvergence } from '../../../src-main/dsp/griffin-lim'
import { JobPool } from '../../../src-main/jobs/pool'
import type { JobInfo, JobProgress } from '../../../src-main/jobs/protocol'
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

  test('griffinLim on the production worker: arrays moved both ways, same output as in-thread, progress with ETA', async () => {
    const pool = new JobPool()
    pools.push(pool)
    const { mag, frames, bins } = toneMagnitude(4000)
    const reference = mag.slice()
    const options = { ...geometry, iterations: 40, seed: 3 }
    const progress: JobProgress[] = []
    const events: JobInfo[] = []
    pool.on('job', (info) => events.push(info))
    const job = pool.run('griffinLim', { magnitude: mag, frames, bins, options }, { onProgress: (p) => progress.push(p) })
    // The magnitude was moved into the pool (and on to the worker), not copied.
    expect(mag.byteLength).toBe(0)
    const result = await job.result

    const local = griffinLim(reference, frames, bins, options)
    expect(result.signal).toBeInstanceOf(Float32Array)
    expect(Array.from(result.signal)).toEqual(Array.from(local))
    expect(result.spectralConvergence).toBeCloseTo(spectralConvergence(reference, local, geometry), 6)
    // Griffin-Lim on a consistent spectrogram converges well below the random-phase start (~1).
    expect(result.spectralConvergence).toBeLessThan(0.3)

    expect(progress.length).toBeGreaterThanOrEqual(2)
    for (const p of progress) {
      expect(p.jobId).toBe(job.id)
      expect(p.total).toBe(40)
      expect(p.metrics?.spectralConvergence).toBe(p.loss)
      expect(p.etaMs).toBeGreaterThanOrEqual(0)
    }
    expect(progress[0]!.step).toBe(1)
    expect(progress[0]!.etaMs).toBeGreaterThan(0)
    expect(progress.at(-1)!.step).toBe(40)
    expect(progress.at(-1)!.etaMs).toBe(0)
    expect(progress.at(-1)!.loss!).toBeLessThan(progress[0]!.loss!)
    expect(events.map((e) => e.status).filter((s, i, a) => s !== a[i - 1])).toEqual(['queued', 'running', 'done'])
    expect(pool.list().at(-1)).toMatchObject({ id: job.id, kind: 'griffinLim', status: 'done', backend: 'none' })
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

  test('bad params and a bad size are refused with one clear line', async () => {
    expect(() => new JobPool({ size: 0 })).toThrow('job pool size 0 is not an integer in 1..32')
    const pool = new JobPool()
    pools.push(pool)
    const bad = pool.run('griffinLim', { magnitude: new Float32Array(10), frames: 1, bins: 129, options: { ...geometry, iterations: 1 } })
    await expect(bad.result).rejects.toMatchObject({ name: 'UserError', message: 'magnitude has 10 values, expected 1 x 129 = 129' })
    const uncloneable = pool.run('griffinLim', { f: () => 0 } as never)
    await expect(uncloneable.result).rejects.toThrow(/^job griffinLim: params cannot be sent to a worker: /)
  })
})
