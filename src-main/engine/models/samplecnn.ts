/**
 * The sample-level CNN tagger of Lee, Park, Kim & Nam ("Sample-level deep convolutional neural
 * networks for music auto-tagging using raw waveforms", SMC 2017), the "3^9" model, as a tfjs-layers
 * LayersModel:
 *   raw audio [batch, 3^(blocks+1), 1] (59049 samples at blocks = 9)
 *   -> Conv1D(f0, 3, stride 3) + BatchNorm + ReLU
 *   -> blocks x [Conv1D(f, 3, 'same') + BatchNorm + ReLU + MaxPooling1D(3)]   (one time step left)
 *   -> Flatten -> Dropout(0.5) -> Dense(tags) + sigmoid
 * Filters follow the paper (128, 128, 128, 256, 256, 256, 256, 256, 256, 512) times `width`; width
 * 1 is the paper's net (about 2.4 M weights), smaller widths train on a CPU. Stock Keras layers only.
 */
import { tfl } from '../tf'
import { UserError } from '../../util/errors'
import { wholeAtLeast } from './dieleman'

/** Shape of the sample-level CNN. */
export interface SampleCnnOptions {
  /** Strided blocks after the first conv (9): the input is 3^(blocks + 1) samples. */
  blocks?: number
  /** Multiplier on the paper's filter counts (1); at least 1 filter per layer is kept. */
  width?: number
  /** Output tags (50). */
  tags?: number
  /** Dropout before the output layer (0.5, the paper's). */
  dropout?: number
  /** Seed of the initial weights (0). */
  seed?: number
}

/** The paper's filters: first conv, then the nine blocks. */
const PAPER_FILTERS = [128, 128, 128, 256, 256, 256, 256, 256, 256, 512]

/** Input length in samples of a sample-level CNN with `blocks` blocks: 3^(blocks + 1). */
export function sampleCnnInputLength(blocks = 9): number {
  return 3 ** (blocks + 1)
}

/**
 * Builds the sample-level CNN with fresh He-uniform weights (seeded). Input [batch, 3^(blocks+1), 1]
 * float32 audio; output [batch, tags] probabilities. Throws a UserError for a bad width or depth.
 */
export function buildSampleCnn(opts: SampleCnnOptions = {}): ReturnType<typeof tfl.model> {
  const blocks = wholeAtLeast('samplecnn blocks', opts.blocks ?? 9)
  const tags = wholeAtLeast('samplecnn tags', opts.tags ?? 50)
  const width = opts.width ?? 1
  if (!(width > 0 && width <= 4)) throw new UserError(`samplecnn width: ${width} is not in (0, 4]`)
  const dropout = opts.dropout ?? 0.5
  if (!(dropout >= 0 && dropout < 1)) throw new UserError(`samplecnn dropout: ${dropout} is not in [0, 1)`)
  const seed = opts.seed ?? 0
  const filters = (i: number): number => Math.max(1, Math.round(PAPER_FILTERS[Math.min(i, PAPER_FILTERS.length - 1)]! * width))
  const init = (i: number) => tfl.initializers.heUniform({ seed: seed * 1000 + i })

  const input = tfl.input({ shape: [sampleCnnInputLength(blocks), 1], name: 'audio' })
  const convBnRelu = (x: ReturnType<typeof tfl.input>, i: number, strides: number, name: string): ReturnType<typeof tfl.input> => {
    const conv = tfl.layers.conv1d({ filters: filters(i), kernelSize: 3, strides, padding: strides === 1 ? 'same' : 'valid', useBias: false, kernelInitializer: init(i), name: `${name}_conv` })
    const bn = tfl.layers.batchNormalization({ name: `${name}_bn` })
    const relu = tfl.layers.activation({ activation: 'relu', name: `${name}_relu` })
    return relu.apply(bn.apply(conv.apply(x))) as ReturnType<typeof tfl.input>
  }
  let x = convBnRelu(input, 0, 3, 'frames')
  for (let i = 1; i <= blocks; i++) {
    x = convBnRelu(x, i, 1, `block${i}`)
    x = tfl.layers.maxPooling1d({ poolSize: 3, name: `block${i}_pool` }).apply(x) as typeof x
  }
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as typeof x
  if (dropout > 0) x = tfl.layers.dropout({ rate: dropout, seed, name: 'dropout' }).apply(x) as typeof x
  const output = tfl.layers.dense({ units: tags, activation: 'sigmoid', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 1000 + 99 }), name: 'tags' }).apply(x) as typeof x
  return tfl.model({ inputs: input, outputs: output, name: 'samplecnn' })
}
