/**
 * The KL of each latent dimension on a test set (evaluateElbo's klDims, the MNIST job's kl_0..):
 * it sums to the closed-form KL of the ELBO, is at least 0 in every dimension, is near 0 where the
 * encoder ignores the input (a collapsed dimension), and leaves no tensor behind.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { buildMlpVaeForTraining, mlpVae, type MlpVaeOptions } from '../../../src-main/engine/models/vae/mlp'
import { evaluateElbo } from '../../../src-main/engine/train/vae'
import { createRng } from '../../../src-main/util/random'

beforeAll(async () => {
  await initBackend('wasm')
})

const OPTIONS: MlpVaeOptions = { inputs: 16, hidden: 8, latents: 3, observation: 'bernoulli', prior: 'standard-normal' }

describe('evaluateElbo: KL per latent dimension', () => {
  it('sums to the KL term, is non-negative, and a dimension the encoder cannot move has none', () => {
    const model = buildMlpVaeForTraining(OPTIONS, 1e-3)
    const vae = mlpVae(model, OPTIONS)
    // Dimension 2 collapsed by hand: its mean and log-variance weights and biases all 0, so q(z_2 | x) = N(0, 1) = p(z_2).
    for (const w of model.trainableWeights) {
      const v = w.read()
      if (v.shape.length === 2 && v.shape[1] === 2 * OPTIONS.latents) {
        const data = v.arraySync() as number[][]
        for (const row of data) row[2] = row[2 + OPTIONS.latents] = 0
        w.write(tf.tensor2d(data))
      } else if (v.shape.length === 1 && v.shape[0] === 2 * OPTIONS.latents) {
        const data = v.arraySync() as number[]
        data[2] = data[2 + OPTIONS.latents] = 0
        w.write(tf.tensor1d(data))
      }
    }
    const rng = createRng(3)
    const x = Float32Array.from({ length: 600 * 16 }, () => (rng.uniform() < 0.4 ? 1 : 0))
    const before = tf.memory().numTensors
    const f = evaluateElbo(vae, x, 16)
    expect(tf.memory().numTensors).toBe(before)
    expect(f.klDims).toHaveLength(3)
    // Both are closed form over the same posteriors: equal up to float32 sums.
    expect(f.klDims.reduce((a, b) => a + b, 0)).toBeCloseTo(f.kl, 4)
    for (const v of f.klDims) expect(v).toBeGreaterThanOrEqual(-1e-6)
    expect(Math.abs(f.klDims[2]!)).toBeLessThan(1e-6)
    expect(f.klDims[0]! + f.klDims[1]!).toBeGreaterThan(1e-4)
    model.dispose()
  })
})
