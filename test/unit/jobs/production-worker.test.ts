import { afterAll, describe, expect, test } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeWav } from '../../../src-main/audio/wav'
import { griffinLim, spectralConvergence } from '../../../src-main/dsp/griffin-lim'
import { JobPool } from '../../../src-main/jobs/pool'
import type { JobInfo, JobProgress } from '../../../src-main/jobs/protocol'
import { geometry, rejection, toneMagnitude } from './helpers'

/** The production worker (src-main/jobs/worker.ts), on the cpu backend: the quickest to load everywhere. */
const pool = new JobPool({ backend: 'cpu' })
afterAll(() => pool.close())

describe('the production worker', () => {
  test('griffinLim: arrays moved both ways, same output as in-thread, progress with ETA, backend reported', async () => {
    const { mag, frames, bins } = toneMagnitude(4000)
    const reference = mag.slice()
    const options = { ...geometry, iterations: 40, seed: 3 }
    const progress: JobProgress[] = []
    const events: JobInfo[] = []
    const off = pool.on('job', (info) => events.push(info))
    const job = pool.run('griffinLim', { magnitude: mag, frames, bins, options }, { onProgress: (p) => progress.push(p) })
    // The magnitude was moved into the pool (and on to the worker), not copied.
    expect(mag.byteLength).toBe(0)
    const result = await job.result
    off()

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
    expect(pool.list().at(-1)).toMatchObject({ id: job.id, kind: 'griffinLim', status: 'done', backend: 'cpu' })
    expect(pool.workers()).toMatchObject([{ state: 'idle', backend: 'cpu' }])
  })

  test('bad params and a bad size are refused with one clear line', async () => {
    expect(() => new JobPool({ size: 0 })).toThrow('job pool size 0 is not an integer in 1..32')
    const bad = pool.run('griffinLim', { magnitude: new Float32Array(10), frames: 1, bins: 129, options: { ...geometry, iterations: 1 } })
    await expect(bad.result).rejects.toMatchObject({ name: 'UserError', message: 'magnitude has 10 values, expected 1 x 129 = 129' })
    const uncloneable = pool.run('griffinLim', { f: () => 0 } as never)
    await expect(uncloneable.result).rejects.toThrow(/^job griffinLim: params cannot be sent to a worker: /)
  })

  test('a backend that cannot be had fails the waiting job with a UserError naming it', async () => {
    const bogus = new JobPool({ backend: 'bogus' })
    const err = await rejection(bogus.run('griffinLim', { magnitude: new Float32Array(1), frames: 1, bins: 129, options: { ...geometry, iterations: 1 } }).result)
    await bogus.close()
    expect(err.name).toBe('UserError')
    expect(err.message).toMatch(/^job worker failed to start: unknown backend "bogus": valid names are /)
  })

  test('stylize: a backend named in the render options is the one the job runs on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eb-pw-'))
    const wasmPool = new JobPool({ backend: 'wasm' })
    try {
      const sr = 22050
      const tone = (f: number): Float32Array => Float32Array.from({ length: sr }, (_, i) => 0.3 * Math.sin((2 * Math.PI * f * i) / sr))
      await writeWav(join(dir, 'c.wav'), [tone(220)], sr)
      await writeWav(join(dir, 's.wav'), [tone(660)], sr)
      const options = { filters: 16, iterations: 2, backend: 'cpu' }
      const params = { contentPath: join(dir, 'c.wav'), stylePath: join(dir, 's.wav'), options }
      const onCpu = (await wasmPool.run('stylize', params).result) as { report: { backend: string } }
      expect(onCpu.report.backend).toBe('cpu')
      // The next job without a backend goes back to the worker's own.
      const own = (await wasmPool.run('stylize', { ...params, options: { filters: 16, iterations: 2 } }).result) as { report: { backend: string } }
      expect(own.report.backend).toBe('wasm')
    } finally {
      await wasmPool.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
