/**
 * WaveNet's training step: the loss is the cross-entropy of the loss window only (checked against
 * a hand computation from the model's own output), it falls when one batch is trained on, the
 * speaker one-hot reaches the model, so does a dense global vector per clip (tags multi-hot, GloVe
 * mean), repeated steps and validation leave no tensor behind, and
 * epochs through the generic loop with a checkpoint each keep the tensor count flat.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { initialTrainState, train } from '../../../src-main/engine/train/loop'
import { loadCheckpoint, saveCheckpoint } from '../../../src-main/engine/train/checkpoint'
import { wavenetSignature } from '../../../src-main/engine/models/wavenet'
import { WavenetBatches } from '../../../src-main/datasets/wavenet-batches'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { buildWavenetModel, checkSpecMatches, globalWidth, toBits, wavenetNll, wavenetSize, wavenetSpec, wavenetStep } from '../../../src-main/engine/train/wavenet'
import { defaultMelSettings } from '../../../src-main/dsp/mel-frames'
import type { WavenetBatch } from '../../../src-main/datasets/wavenet-batches'
import type { WavenetSpec } from '../../../src-main/engine/train/wavenet'
import { createRng } from '../../../src-main/util/random'

/** Float32 sums over 256 levels and a few dozen outputs: 1e-5 nats is far below any real difference. */
const NLL_TOL = 1e-5

const SPEC = wavenetSpec({ ...wavenetSize(1, 3, 4), quantization: 16 }, [{ id: 5, code: 'p225' }, { id: 6, code: 'p226' }], 8000, 12)

function batch(size: number, seed: number, spec: WavenetSpec = SPEC): WavenetBatch {
  const rng = createRng(seed)
  const steps = spec.receptiveField + spec.targets - 1
  const level = (): number => Math.floor(rng.uniform() * 16)
  return {
    input: Int32Array.from({ length: size * steps }, level),
    target: Int32Array.from({ length: size * spec.targets }, level),
    speaker: Int32Array.from({ length: size }, (_, i) => i % 2),
    size
  }
}

async function* once(b: WavenetBatch): AsyncGenerator<WavenetBatch> {
  yield b
}

beforeAll(async () => {
  await initBackend('wasm')
})

describe('WaveNet training step', () => {
  it('receptive field of 1 stack x 3 layers: 1 + 2 + 4 + 2 = 9 samples', () => {
    expect(SPEC.receptiveField).toBe(9)
    expect(SPEC.options.globalChannels).toBe(2)
  })

  it('the NLL is the mean -log p(target) over the last N outputs only', async () => {
    const model = buildWavenetModel(SPEC, 1e-3)
    const b = batch(2, 1)
    const steps = b.input.length / b.size
    const probs = tf.tidy(() => {
      const x = tf.oneHot(tf.tensor2d(b.input, [b.size, steps], 'int32'), 16).toFloat()
      const g = tf.oneHot(tf.tensor1d(b.speaker, 'int32'), 2).toFloat()
      return (model.predict([x, g]) as tf.Tensor).arraySync() as number[][][]
    })
    let sum = 0
    for (let k = 0; k < b.size; k++) for (let n = 0; n < SPEC.targets; n++) sum -= Math.log(probs[k]![SPEC.receptiveField - 1 + n]![b.target[k * SPEC.targets + n]!]!)
    expect(Math.abs((await wavenetNll(model, SPEC, once(b))) - sum / (b.size * SPEC.targets))).toBeLessThan(NLL_TOL)
    model.dispose()
  })

  it('training on one batch lowers its loss; steps and validation leak no tensor', async () => {
    const model = buildWavenetModel(SPEC, 1e-2)
    const b = batch(4, 2)
    const first = wavenetStep(model, SPEC, b) // the optimizer makes its moments on the first step
    const before = tf.memory().numTensors
    let last = first
    for (let i = 0; i < 30; i++) last = wavenetStep(model, SPEC, b)
    await wavenetNll(model, SPEC, once(b))
    expect(tf.memory().numTensors).toBe(before)
    expect(first).toBeGreaterThan(Math.log(16) - 0.5)
    expect(last).toBeLessThan(first - 0.3)
    expect(toBits(Math.LN2)).toBeCloseTo(1, 12)
    model.dispose()
  })
})

describe('WaveNet training with log-mel frames', () => {
  const MEL = defaultMelSettings(8000, { hop: 8, bands: 5 })
  const MEL_SPEC = wavenetSpec({ ...wavenetSize(1, 3, 4), quantization: 16, localUpsampling: 'transposed' }, [], 8000, 12, MEL)

  it('targets are raised to whole frames of input (RF 9 + 12 - 1 = 20 -> 24), the model takes bands at the hop', () => {
    expect(MEL_SPEC.targets).toBe(16)
    expect((MEL_SPEC.receptiveField + MEL_SPEC.targets - 1) % 8).toBe(0)
    expect(MEL_SPEC.options).toMatchObject({ localChannels: 5, localHop: 8, localUpsampling: 'transposed', globalChannels: 0 })
    expect(MEL_SPEC.mel).toEqual(MEL)
  })

  it('steps on batches with frames lower the loss and leak no tensor; the frames reach the model', async () => {
    const model = buildWavenetModel(MEL_SPEC, 1e-2)
    const rng = createRng(9)
    const steps = MEL_SPEC.receptiveField + MEL_SPEC.targets - 1
    const b: WavenetBatch = {
      input: Int32Array.from({ length: 2 * steps }, () => Math.floor(rng.uniform() * 16)),
      target: Int32Array.from({ length: 2 * MEL_SPEC.targets }, () => Math.floor(rng.uniform() * 16)),
      speaker: new Int32Array(2),
      size: 2,
      local: Float32Array.from({ length: 2 * (steps / 8) * 5 }, () => rng.uniform() * 2 - 1)
    }
    const first = wavenetStep(model, MEL_SPEC, b)
    const before = tf.memory().numTensors
    let last = first
    for (let i = 0; i < 20; i++) last = wavenetStep(model, MEL_SPEC, b)
    const nll = await wavenetNll(model, MEL_SPEC, once(b))
    const other = await wavenetNll(model, MEL_SPEC, once({ ...b, local: b.local!.map((v) => -v) }))
    expect(tf.memory().numTensors).toBe(before)
    expect(last).toBeLessThan(first - 0.3)
    expect(other).not.toBeCloseTo(nll, 3)
    model.dispose()
  })

  it('model files that do not match their spec are refused in one line', () => {
    const model = buildWavenetModel(MEL_SPEC, 1e-3)
    const sig = wavenetSignature(model)
    model.dispose()
    expect(() => checkSpecMatches(sig, MEL_SPEC, 'checkpoint 3')).not.toThrow()
    expect(() => checkSpecMatches(sig, { ...MEL_SPEC, receptiveField: 3, targets: 4 }, 'checkpoint 3')).toThrow(/^checkpoint 3: receptive field 9 samples is not shorter than its training crops \(7 samples\)/)
    expect(() => checkSpecMatches(sig, { ...MEL_SPEC, mel: { ...MEL, bands: 6 } }, 'checkpoint 3')).toThrow(/^checkpoint 3: the model files take 5 local channels at hop 8, its description 6 mel bands at hop 8/)
    expect(() => checkSpecMatches(sig, SPEC, 'checkpoint 3')).toThrow(/^checkpoint 3: the model files take 5 local channels at hop 8, its description 0 mel bands/)
  })
})

describe('WaveNet training on a dense global vector', () => {
  const VEC_SPEC = wavenetSpec({ ...wavenetSize(1, 3, 4), quantization: 16 }, [], 8000, 12, undefined, { kind: 'glove', width: 5, gloveId: 3, dim: 5, from: 'tags' })
  const withVectors = (b: WavenetBatch, scale = 1): WavenetBatch => ({ ...b, global: Float32Array.from({ length: b.size * 5 }, (_, i) => scale * Math.sin(i + 1)) })

  it('the model takes the vector\'s width as its global input; other model files are refused', () => {
    expect(globalWidth(VEC_SPEC)).toBe(5)
    expect(VEC_SPEC.options.globalChannels).toBe(5)
    const model = buildWavenetModel(SPEC, 1e-3)
    const sig = wavenetSignature(model)
    model.dispose()
    expect(() => checkSpecMatches(sig, VEC_SPEC, 'checkpoint 4')).toThrow(/^checkpoint 4: the model files take 2 global channels, its description a glove vector of 5; the files do not belong to this checkpoint$/)
  })

  it('the NLL comes from the model fed the batch\'s vectors (others change it); steps lower it and leak no tensor', async () => {
    const model = buildWavenetModel(VEC_SPEC, 1e-2)
    const b = withVectors(batch(4, 5, VEC_SPEC))
    const steps = b.input.length / b.size
    const probs = tf.tidy(() => {
      const x = tf.oneHot(tf.tensor2d(b.input, [b.size, steps], 'int32'), 16).toFloat()
      return (model.predict([x, tf.tensor2d(b.global!, [b.size, 5])]) as tf.Tensor).arraySync() as number[][][]
    })
    const picked = Array.from(b.target, (t, j) => probs[Math.floor(j / VEC_SPEC.targets)]![VEC_SPEC.receptiveField - 1 + (j % VEC_SPEC.targets)]![t]!)
    const nll = await wavenetNll(model, VEC_SPEC, once(b))
    expect(Math.abs(nll + picked.reduce((s, p) => s + Math.log(p), 0) / picked.length)).toBeLessThan(NLL_TOL)
    expect(Math.abs((await wavenetNll(model, VEC_SPEC, once(withVectors(b, 5)))) - nll)).toBeGreaterThan(100 * NLL_TOL)
    const losses = [wavenetStep(model, VEC_SPEC, b)]
    const tensors = tf.memory().numTensors
    while (losses.length < 30) losses.push(wavenetStep(model, VEC_SPEC, b))
    expect(tf.memory().numTensors).toBe(tensors)
    expect(losses.at(-1)).toBeLessThan(losses[0]! - 0.3)
    model.dispose()
  })
})

describe('WaveNet through the generic loop', () => {
  it('epochs of crops with a checkpoint each: the tensor count stays flat, and the checkpoint loads as the same WaveNet', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eb-wavenet-train-'))
    try {
      const audio = [0, 1].map((k) => Float32Array.from({ length: 400 }, (_, i) => 0.5 * Math.sin(i * (0.05 + 0.03 * k))))
      const data = new WavenetBatches({ clips: audio.map((a, i) => ({ clipId: i, length: a.length, speaker: i })), load: async (i) => audio[i]!, receptiveField: SPEC.receptiveField, targets: SPEC.targets, batch: 8, seed: 4, quantization: 16 })
      const model = buildWavenetModel(SPEC, 1e-2)
      const counts: number[] = []
      const epochLoss: number[] = []
      const report = await train({
        model,
        data,
        step: (m, b) => wavenetStep(m, SPEC, b),
        epochs: 4,
        state: initialTrainState(4),
        validate: async (m) => ({ validNll: await wavenetNll(m, SPEC, data.epoch(0)) }),
        checkpoint: async (m, end) => {
          await saveCheckpoint(m, join(dir, `epoch-${end.epoch}`), { arch: 'wavenet/mulaw', modelOptions: {}, extra: { spec: SPEC }, state: end.state })
        },
        onEpochEnd: (e) => {
          counts.push(tf.memory().numTensors)
          epochLoss.push(e.loss)
        }
      })
      expect(report.reason).toBe('epochs')
      // The first epoch creates Adam's moments; after it, nothing is left behind per epoch.
      expect(new Set(counts.slice(1)).size).toBe(1)
      expect(epochLoss[3]).toBeLessThan(epochLoss[0]!)
      model.dispose()
      const { model: loaded } = await loadCheckpoint(join(dir, 'epoch-3'), 'wavenet/mulaw')
      expect(wavenetSignature(loaded)).toMatchObject({ quantization: 16, globalChannels: 2, receptiveField: SPEC.receptiveField })
      loaded.dispose()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
