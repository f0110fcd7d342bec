import { magnitude, stft } from '../../../src-main/dsp/stft'
import { JobPool, type JobPoolOptions } from '../../../src-main/jobs/pool'
import type { TestKinds } from '../../fixtures/jobs/test-kinds'

/** The test-only worker entry (production kinds plus misbehaving ones). */
export const fixtureWorkerUrl = new URL('../../fixtures/jobs/test-worker.ts', import.meta.url)

/** A pool over the test worker. */
export function testPool(opts: JobPoolOptions = {}): JobPool<TestKinds> {
  return new JobPool<TestKinds>({ workerUrl: fixtureWorkerUrl, ...opts })
}

/** STFT geometry of the test spectrograms: small, so an iteration takes well under a millisecond. */
export const geometry = { nFft: 256, hop: 64 }

/** Magnitude spectrogram of a 440 Hz + 1 kHz tone at 8 kHz, `samples` long. */
export function toneMagnitude(samples: number): { mag: Float32Array; frames: number; bins: number } {
  const x = Float32Array.from({ length: samples }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / 8000) + 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 8000))
  const s = stft(x, geometry)
  return { mag: magnitude(s), frames: s.frames, bins: s.bins }
}

/** Resolves on the first progress report of job `id`. */
export function firstProgress(pool: JobPool<TestKinds>, id: string): Promise<void> {
  return new Promise((resolve) => {
    const off = pool.on('job', (info) => {
      if (info.id === id && info.progress) {
        off()
        resolve()
      }
    })
  })
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (err) {
    return err as Error
  }
  throw new Error('expected the job to fail, it succeeded')
}
