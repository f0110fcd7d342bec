/**
 * The Dieleman & Schrauwen end-to-end tagger ("End-to-end learning for music audio", ICASSP 2014) as
 * a tfjs-layers LayersModel, the network of the research report and of the PyTorch peer
 * (/work/shared/peers/tagger_step_torch.py):
 *   raw audio [batch, samples, 1]
 *   -> Conv1D(frameFilters, frameLength, stride frameLength) + ReLU    (the learned "frames")
 *   -> blocks x [Conv1D(blockFilters, blockTaps, 'same') + ReLU + MaxPooling1D(pool)]
 *   -> Flatten -> Dense(hidden) + ReLU -> Dense(tags) + sigmoid        (independent tag probabilities)
 * Only stock Keras layers, so the saved topology loads in Python Keras (tensorflowjs_converter).
 */
import { tfl } from '../tf'
import { UserError } from '../../util/errors'
import type { Samples } from '../../util/units'

/** Shape of the Dieleman tagger; every field but `samples` has the peer's default. */
export interface DielemanOptions {
  /** Input length in samples (59049, about 3.7 s at 16 kHz). */
  samples: Samples
  /** Output tags (50: MagnaTagATune's top 50). */
  tags?: number
  /** Filters of the first, strided conv (32). */
  frameFilters?: number
  /** Length and stride of the first conv, in samples (256). */
  frameLength?: number
  /** Filters of each block's conv (32). */
  blockFilters?: number
  /** Taps of each block's conv (8). */
  blockTaps?: number
  /** Max-pool size after each block (4). */
  pool?: number
  /** Number of conv + pool blocks (2). */
  blocks?: number
  /** Width of the hidden dense layer (100). */
  hidden?: number
  /** Batch normalisation after each convolution, before its ReLU (false: the report's net). */
  batchNorm?: boolean
  /** Dropout before the output layer (0). */
  dropout?: number
  /** Seed of the initial weights (0). */
  seed?: number
}

/** Throws a UserError unless `v` is a whole number >= `min`. */
export function wholeAtLeast(what: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min) throw new UserError(`${what}: ${v} is not a whole number >= ${min}`)
  return v
}

/**
 * The Dieleman net's shape with every default filled in and checked (one UserError naming the
 * field otherwise): shared by this layers model and the hand-built twin in tagger.ts.
 */
export function dielemanShape(opts: DielemanOptions): Required<Omit<DielemanOptions, 'batchNorm' | 'dropout'>> {
  return {
    samples: wholeAtLeast('dieleman samples', opts.samples),
    tags: wholeAtLeast('dieleman tags', opts.tags ?? 50),
    frameFilters: wholeAtLeast('dieleman frameFilters', opts.frameFilters ?? 32),
    frameLength: wholeAtLeast('dieleman frameLength', opts.frameLength ?? 256),
    blockFilters: wholeAtLeast('dieleman blockFilters', opts.blockFilters ?? 32),
    blockTaps: wholeAtLeast('dieleman blockTaps', opts.blockTaps ?? 8),
    pool: wholeAtLeast('dieleman pool', opts.pool ?? 4),
    blocks: wholeAtLeast('dieleman blocks', opts.blocks ?? 2, 0),
    hidden: wholeAtLeast('dieleman hidden', opts.hidden ?? 100),
    seed: opts.seed ?? 0
  }
}

/**
 * Builds the Dieleman tagger with fresh Glorot-uniform weights (seeded). Input [batch, samples, 1]
 * float32 audio in [-1, 1]; output [batch, tags] probabilities. Throws a UserError for a shape that
 * leaves no time steps after the pooling blocks.
 */
export function buildDieleman(opts: DielemanOptions): ReturnType<typeof tfl.model> {
  const { samples, tags, frameFilters, frameLength, blockFilters, blockTaps, pool, blocks, hidden, seed } = dielemanShape(opts)
  const batchNorm = opts.batchNorm === true
  const dropout = opts.dropout ?? 0
  if (!(dropout >= 0 && dropout < 1)) throw new UserError(`dieleman dropout: ${dropout} is not in [0, 1)`)
  let width = Math.floor(samples / frameLength)
  for (let i = 0; i < blocks; i++) width = Math.floor(width / pool)
  if (width < 1) throw new UserError(`dieleman: ${samples} samples leave no time steps after a ${frameLength}-sample frame and ${blocks} pools of ${pool}`)

  const init = (i: number) => tfl.initializers.glorotUniform({ seed: seed * 1000 + i })
  const input = tfl.input({ shape: [samples, 1], name: 'audio' })
  type Sym = ReturnType<typeof tfl.input>
  // Conv + ReLU, or conv + batch norm + ReLU (the conv's bias is then the norm's beta).
  const conv = (x: Sym, args: Parameters<typeof tfl.layers.conv1d>[0], name: string): Sym => {
    if (!batchNorm) return tfl.layers.conv1d({ ...args, activation: 'relu', name }).apply(x) as Sym
    const y = tfl.layers.conv1d({ ...args, useBias: false, name }).apply(x) as Sym
    const n = tfl.layers.batchNormalization({ name: `${name}_bn` }).apply(y) as Sym
    return tfl.layers.activation({ activation: 'relu', name: `${name}_relu` }).apply(n) as Sym
  }
  let x = conv(input, { filters: frameFilters, kernelSize: frameLength, strides: frameLength, kernelInitializer: init(0) }, 'frames')
  for (let i = 0; i < blocks; i++) {
    x = conv(x, { filters: blockFilters, kernelSize: blockTaps, padding: 'same', kernelInitializer: init(1 + i) }, `block${i + 1}_conv`)
    x = tfl.layers.maxPooling1d({ poolSize: pool, name: `block${i + 1}_pool` }).apply(x) as Sym
  }
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as Sym
  x = tfl.layers.dense({ units: hidden, activation: 'relu', kernelInitializer: init(100), name: 'hidden' }).apply(x) as Sym
  if (dropout > 0) x = tfl.layers.dropout({ rate: dropout, seed, name: 'dropout' }).apply(x) as Sym
  const output = tfl.layers.dense({ units: tags, activation: 'sigmoid', kernelInitializer: init(101), name: 'tags' }).apply(x) as Sym
  return tfl.model({ inputs: input, outputs: output, name: 'dieleman' })
}
