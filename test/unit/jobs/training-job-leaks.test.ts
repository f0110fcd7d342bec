/**
 * A training job frees everything it made when it ends, its optimizer included: two short MNIST VAE
 * runs in this process (the worker outlives its jobs) leave tf.memory().numTensors where the first
 * left it. Before disposeModel, each run left Adam's state behind (its step scalars and a moment
 * pair per weight), since tfjs-layers' model.dispose() frees only an optimizer it made itself.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importMnist } from '../../../src-main/datasets/mnist/import'
import { initBackend } from '../../../src-main/engine/backend'
import { tf } from '../../../src-main/engine/tf'
import type { JobContext } from '../../../src-main/jobs/job-context'
import { trainVaeJob } from '../../../src-main/jobs/train-vae-job'
import { Library } from '../../../src-main/library/library'

const ctx: JobContext = { progress: () => {}, signal: new AbortController().signal, isCancelled: () => false, throwIfCancelled: () => {}, backend: 'wasm' }

let root: string
let dataDir: string
let datasetId: number

beforeAll(async () => {
  await initBackend('wasm')
  root = mkdtempSync(join(tmpdir(), 'eb-training-job-leaks-'))
  dataDir = join(root, 'data')
  const lib = Library.open(dataDir)
  try {
    datasetId = importMnist(lib).datasetId
  } finally {
    lib.close()
  }
}, 120_000)
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('training job tensors', () => {
  it('a finished MNIST VAE run leaves no tensor behind: the count after a second run is the count after the first', async () => {
    // 100 training and 50 test digits, one epoch, no importance-weighted estimate: seconds.
    const run = () => trainVaeJob({ dataDir, datasetId, latents: 2, hidden: 8, epochs: 1, batch: 50, learningRate: 1e-3, seed: 1, iwaeK: 0, trainLimit: 100, testLimit: 50 }, ctx)
    await run()
    const before = tf.memory().numTensors
    const second = await run()
    expect(second.epochs).toBe(1)
    expect(tf.memory().numTensors).toBe(before)
  }, 120_000)
})
