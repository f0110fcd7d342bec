/**
 * Helper thread of a split texture render (see texture-split.ts): holds one shard of the filter
 * bank and answers the render thread's commands through shared memory until told to exit.
 * A thin adapter: the work itself is TextureShard's.
 */
import { workerData } from 'node:worker_threads'
import { initBackend } from '../backend'
import { acknowledge as ackSeq } from '../helper-ack'
import { CMD, CTRL, textureAckChannel, type HelperBoot } from './split-protocol'
import { TextureShard } from './texture-shard'

const boot = workerData as HelperBoot
const ctrl = new Int32Array(boot.ctrl)
const data = new Float32Array(boot.data)
const losses = new Float64Array(boot.data, boot.layout.floats * 4, boot.layout.shards)
const h = boot.index
const { layout, bins, kernel } = boot

const channel = textureAckChannel(layout.shards, ctrl, new Uint8Array(boot.errors))

/** Acknowledges sequence `seq`, with the error that ended it if any. */
const acknowledge = (seq: number, err?: unknown): void => ackSeq(channel, h, seq, err)

let shard: TextureShard | null = null
try {
  await initBackend(boot.backend)
  shard = new TextureShard(bins, boot.filters, kernel, boot.seed, boot.columns)
  const sss = shard.setStyle(boot.styleFrames, boot.styleFrameCount)
  data.set(sss, layout.sss[h]!)
  acknowledge(0)
} catch (err) {
  acknowledge(0, err)
  shard?.dispose()
  shard = null
}

// Serve commands until exit. Blocking here is the point: this thread has nothing else to do.
let seq = 0
while (shard !== null) {
  Atomics.wait(ctrl, CTRL.seq, seq)
  seq = Atomics.load(ctrl, CTRL.seq)
  const cmd = Atomics.load(ctrl, CTRL.cmd)
  if (cmd === CMD.exit) {
    shard.dispose()
    acknowledge(seq)
    break
  }
  try {
    const rows = Atomics.load(ctrl, CTRL.rows)
    const outRows = rows - kernel + 1
    if (cmd === CMD.content) {
      const alpha = losses[0]!
      shard.setContent(alpha > 0 ? data.subarray(layout.x, layout.x + rows * bins) : null, rows, alpha)
    } else if (cmd === CMD.partA) {
      const r = shard.partA(data.subarray(layout.x, layout.x + rows * bins), rows)
      data.set(r.kAA, layout.kAA[h]!)
      data.set(r.kAS, layout.kAS[h]!)
      losses[h] = r.contentLoss
    } else if (cmd === CMD.partB) {
      // The render thread summed every shard's terms into shard 0's regions.
      const kAA = data.subarray(layout.kAA[0]!, layout.kAA[0]! + outRows * outRows)
      const kAS = data.subarray(layout.kAS[0]!, layout.kAS[0]! + outRows * shard.styleRows)
      data.set(shard.partB(kAA, kAS), layout.grad[h]!)
    }
    acknowledge(seq)
  } catch (err) {
    acknowledge(seq, err)
  }
}
