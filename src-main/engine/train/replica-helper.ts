/**
 * Helper thread of data-parallel training (see data-parallel.ts): rebuilds the model from its Keras
 * topology, then, per step, takes the broadcast weights and its shard of the batch from shared
 * memory and hands back the shard's loss and gradients. A thin adapter: the work is replica.ts's.
 */
import { workerData } from 'node:worker_threads'
import { tf, tfl } from '../tf'
import { initBackend } from '../backend'
import { CTRL_SEQ, ackChannel, regions, rowsSlot, type ReplicaBoot } from './data-parallel'
import { acknowledge as ackSeq } from '../helper-ack'
import { shardLossAndGradients, unpackWeights } from './replica'
import type { LayersModel } from '../models/model-files'

const boot = workerData as ReplicaBoot
const ctrl = new Int32Array(boot.ctrl)
const data = new Float32Array(boot.data)
const losses = new Float64Array(boot.losses)
const channel = ackChannel(boot.layout, ctrl, new Uint8Array(boot.errors))
const { layout, index: h } = boot
const r = regions(layout)

/** Acknowledges sequence `seq`, with the error that ended it if any. */
const acknowledge = (seq: number, err?: unknown): void => ackSeq(channel, h, seq, err)

let model: LayersModel | null = null
try {
  await initBackend(boot.backend)
  model = (await tfl.models.modelFromJSON({ modelTopology: JSON.parse(boot.topology) })) as LayersModel
  acknowledge(0)
} catch (err) {
  acknowledge(0, err)
}

// Serve steps until told to exit (seq -1). Blocking is the point: this thread has nothing else to do.
let seq = 0
while (model !== null) {
  Atomics.wait(ctrl, CTRL_SEQ, seq)
  seq = Atomics.load(ctrl, CTRL_SEQ)
  if (seq < 0) break
  try {
    const n = Atomics.load(ctrl, rowsSlot(h))
    if (n > 0) {
      unpackWeights(model, data.subarray(r.weights, r.weights + layout.weights))
      const x = tf.tensor(data.subarray(r.x(h), r.x(h) + n * layout.inputSize), [n, ...boot.inputShape])
      const y = tf.tensor2d(data.subarray(r.y(h), r.y(h) + n * layout.outputSize), [n, layout.outputSize])
      losses[h] = shardLossAndGradients(model, boot.loss, x, y, data.subarray(r.grads(h), r.grads(h) + layout.grads))
      tf.dispose([x, y])
    }
    acknowledge(seq)
  } catch (err) {
    acknowledge(seq, err)
  }
}
model?.dispose()
