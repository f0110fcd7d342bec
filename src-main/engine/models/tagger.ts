/**
 * buildTagger(opts): an end-to-end 1-D CNN music tagger on raw audio (Dieleman & Schrauwen style),
 * the network of the PyTorch peer in /work/shared/peers/tagger_step_torch.py:
 *   strided conv (frame filters, frame length, stride = frame length) + ReLU,
 *   blocks of [conv (same padding) + ReLU + max-pool], flatten, dense + ReLU, dense -> tag logits,
 *   trained with sigmoid cross-entropy (tags are independent yes/no labels).
 * Built from tfjs-core ops and variables: the hand-built twin of buildDieleman (dieleman.ts), kept
 * as the benchmark's step against the PyTorch peer and as a check on the layers model.
 */
import * as tf from '@tensorflow/tfjs-core'
import { conv1d } from '../ops/conv1d'
import { maxPool1d } from '../ops/pool1d'
import { UserError } from '../../util/errors'
import { dielemanShape, type DielemanOptions } from './dieleman'

/** Shape of the tagger: the same fields and defaults as the layers model's (see DielemanOptions). */
export type TaggerOptions = Omit<DielemanOptions, 'batchNorm' | 'dropout'>

/** A built tagger: its trainable variables and its forward pass. */
export interface Tagger {
  /** All trainable weights, in layer order. */
  variables: tf.Variable[]
  /** Tag logits [batch, tags] for audio [batch, samples] or [batch, samples, 1]. */
  logits(audio: tf.Tensor2D | tf.Tensor3D): tf.Tensor2D
  /** Mean sigmoid cross-entropy of the logits against 0/1 labels [batch, tags]. */
  loss(audio: tf.Tensor2D | tf.Tensor3D, labels: tf.Tensor2D): tf.Scalar
  /** Frees every variable. */
  dispose(): void
}

/** Glorot-uniform weights: keeps activations' variance steady through ReLU layers at init. */
function glorot(shape: number[], fanIn: number, fanOut: number, seed: number, name: string): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut))
  return tf.variable(tf.randomUniform(shape, -limit, limit, 'float32', seed), true, name)
}

function zeros(n: number, name: string): tf.Variable {
  return tf.variable(tf.zeros([n]), true, name)
}

/** Builds a tagger with fresh weights (see TaggerOptions for the shape). */
export function buildTagger(opts: TaggerOptions): Tagger {
  const { samples, tags, frameFilters, frameLength, blockFilters, blockTaps, pool, blocks, hidden, seed } = dielemanShape(opts)

  let width = Math.floor((samples - frameLength) / frameLength) + 1
  if (samples < frameLength) throw new UserError(`tagger samples: ${samples} is shorter than one frame of ${frameLength}`)
  const variables: tf.Variable[] = []
  const frameW = glorot([frameLength, 1, frameFilters], frameLength, frameLength * frameFilters, seed + 1, 'frame_w')
  const frameB = zeros(frameFilters, 'frame_b')
  variables.push(frameW, frameB)
  const blockVars: { w: tf.Variable; b: tf.Variable }[] = []
  let channels = frameFilters
  for (let i = 0; i < blocks; i++) {
    const w = glorot([blockTaps, channels, blockFilters], blockTaps * channels, blockTaps * blockFilters, seed + 2 + i, `block${i}_w`)
    const b = zeros(blockFilters, `block${i}_b`)
    blockVars.push({ w, b })
    variables.push(w, b)
    channels = blockFilters
    width = Math.floor(width / pool)
    if (width < 1) throw new UserError(`tagger: ${samples} samples leave nothing after ${i + 1} pooling blocks`)
  }
  const flat = width * channels
  const hiddenW = glorot([flat, hidden], flat, hidden, seed + 100, 'hidden_w')
  const hiddenB = zeros(hidden, 'hidden_b')
  const outW = glorot([hidden, tags], hidden, tags, seed + 101, 'out_w')
  const outB = zeros(tags, 'out_b')
  variables.push(hiddenW, hiddenB, outW, outB)

  const logits = (audio: tf.Tensor2D | tf.Tensor3D): tf.Tensor2D =>
    tf.tidy(() => {
      const batch = audio.shape[0]
      const x = audio.rank === 2 ? tf.reshape(audio, [batch, audio.shape[1], 1]) : audio
      if (x.shape[1] !== samples || x.shape[2] !== 1) throw new UserError(`tagger input: shape [${audio.shape}], expected [batch, ${samples}]`)
      let h = tf.relu(tf.add(conv1d(x as tf.Tensor3D, frameW as tf.Tensor3D, { stride: frameLength }), frameB)) as tf.Tensor3D
      for (const { w, b } of blockVars) {
        h = tf.relu(tf.add(conv1d(h, w as tf.Tensor3D, { padding: 'same' }), b)) as tf.Tensor3D
        h = maxPool1d(h, pool)
      }
      const z = tf.relu(tf.add(tf.matMul(tf.reshape(h, [batch, flat]), hiddenW), hiddenB))
      return tf.add(tf.matMul(z, outW), outB) as tf.Tensor2D
    })

  return {
    variables,
    logits,
    loss: (audio, labels) => tf.tidy(() => tf.losses.sigmoidCrossEntropy(labels, logits(audio)) as tf.Scalar),
    dispose: () => variables.forEach((v) => v.dispose())
  }
}
