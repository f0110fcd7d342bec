import { Worker } from 'node:worker_threads'
import { tf } from '../tf'
import { siblingEntryUrl, workerEntry } from '../../jobs/worker-entry'
import { awaitAck, type AckChannel } from '../helper-ack'
import { CMD, CTRL, ERROR_BYTES, ctrlSlots, shardColumns, splitLayout, textureAckChannel, type HelperBoot, type SplitLayout } from './split-protocol'
import { shardedLoss, TextureShard } from './texture-shard'

/** Longest a helper may take to start (load the backend, draw its filters, analyse the style). */
const START_TIMEOUT_MS = 300_000
/** Longest one command may take before the helper is taken for dead. */
const COMMAND_TIMEOUT_MS = 120_000

/** The helper entry beside this module: texture-helper.ts from source, .js when bundled. */
export function helperUrl(base: string = import.meta.url): URL {
  return siblingEntryUrl('texture-helper', base)
}

/**
 * The texture method's loss and gradient with the filter bank split across threads: shard 0 on
 * this thread, the others on helper threads (each with its own TensorFlow.js backend instance).
 * On wasm one backend runs one GEMM at a time on one core; splitting the 4096 filters two ways
 * halves the wall time of the two big products (the im2col'd convolution and its input gradient)
 * that dominate each iteration, and the threads exchange only T x T and T x Ts matrices (the
 * kernel-trick form) and their [T, F] gradient parts. Same seed and thread count give the same
 * output; sums run in a fixed order.
 *
 * Synchronous like the single-thread path (optimisers call the loss synchronously): the calling
 * thread blocks in Atomics.wait while helpers work, which Node allows on any thread.
 */
export class SplitTexture {
  private readonly ctrl: Int32Array
  private readonly data: Float32Array
  private readonly losses: Float64Array
  private readonly helpers: AckChannel
  private seq = 0
  private rows = 0
  private closed = false
  private normSq = 0

  private constructor(
    private readonly shard: TextureShard,
    private readonly workers: Worker[],
    private readonly layout: SplitLayout,
    ctrlBuf: SharedArrayBuffer,
    dataBuf: SharedArrayBuffer,
    errorBuf: SharedArrayBuffer,
    private readonly kernel: number
  ) {
    this.ctrl = new Int32Array(ctrlBuf)
    this.data = new Float32Array(dataBuf)
    this.losses = new Float64Array(dataBuf, layout.floats * 4, layout.shards)
    this.helpers = textureAckChannel(layout.shards, this.ctrl, new Uint8Array(errorBuf))
  }

  /** ||Gs||^2 of the whole bank, from every shard's S_h S_h^T. */
  get gramNormSq(): number {
    return this.normSq
  }

  /**
   * Starts `threads - 1` helpers and this thread's shard, and analyses the style on all of them.
   * `styleFrames` are the style's log-magnitudes [frames, F]; `maxRows` bounds content segments.
   */
  static open(opts: {
    threads: number
    bins: number
    filters: number
    kernel: number
    seed: number
    backend: string
    styleFrames: Float32Array
    styleFrameCount: number
    maxRows: number
  }): SplitTexture {
    const { threads, bins, filters, kernel, seed } = opts
    const styleRows = opts.styleFrameCount - kernel + 1
    const layout = splitLayout(threads, bins, opts.maxRows, styleRows, kernel)
    const ctrlBuf = new SharedArrayBuffer(ctrlSlots(threads).size * 4)
    const dataBuf = new SharedArrayBuffer(layout.floats * 4 + threads * 8)
    const errorBuf = new SharedArrayBuffer(threads * ERROR_BYTES)
    const workers: Worker[] = []
    const ctrl = new Int32Array(ctrlBuf)
    const { done } = ctrlSlots(threads)
    for (let h = 1; h < threads; h++) Atomics.store(ctrl, done + h, -1)
    for (let h = 1; h < threads; h++) {
      const boot: HelperBoot = {
        index: h,
        backend: opts.backend,
        bins,
        filters,
        kernel,
        seed,
        columns: shardColumns(filters, threads, h),
        layout,
        ctrl: ctrlBuf,
        data: dataBuf,
        errors: errorBuf,
        styleFrames: opts.styleFrames,
        styleFrameCount: opts.styleFrameCount
      }
      const worker = new Worker(workerEntry(helperUrl()), { workerData: boot })
      // The helper's own failures come back through shared memory; these keep the process alive
      // and quiet if one dies outright (its command then times out with a clear error).
      worker.on('error', () => undefined)
      worker.unref()
      workers.push(worker)
    }
    let shard: TextureShard | null = null
    let split: SplitTexture | null = null
    try {
      shard = new TextureShard(bins, filters, kernel, seed, shardColumns(filters, threads, 0))
      const own = shard.setStyle(opts.styleFrames, opts.styleFrameCount)
      split = new SplitTexture(shard, workers, layout, ctrlBuf, dataBuf, errorBuf, kernel)
      split.awaitHelpers(0, START_TIMEOUT_MS)
      // ||Gs||^2 = ||sum_h S_h S_h^T||^2 / Ts^2.
      const sum = Float64Array.from(own)
      for (let h = 1; h < threads; h++) {
        const at = layout.sss[h]!
        for (let i = 0; i < sum.length; i++) sum[i]! += split.data[at + i]!
      }
      let norm = 0
      for (let i = 0; i < sum.length; i++) norm += sum[i]! * sum[i]!
      split.normSq = norm / (styleRows * styleRows)
      return split
    } catch (err) {
      if (split !== null) split.dispose()
      else {
        shard?.dispose()
        for (const w of workers) void w.terminate()
      }
      throw err
    }
  }

  /** Threads in all, this one included. */
  get threads(): number {
    return this.layout.shards
  }

  /** Sets the content segment's log-magnitudes [rows, F] and the content weight alpha. */
  setContent(frames: Float32Array, rows: number, alpha: number): void {
    if (rows > this.layout.maxRows) throw new Error(`texture split: ${rows} content frames, at most ${this.layout.maxRows}`)
    this.rows = rows
    this.data.set(frames.subarray(0, rows * this.layout.bins), this.layout.x)
    // Alpha travels in shard 0's loss slot, unused until the first partA.
    this.losses[0] = alpha
    this.command(CMD.content)
    this.shard.setContent(alpha > 0 ? frames : null, rows, alpha)
    this.awaitHelpers(this.seq, COMMAND_TIMEOUT_MS)
  }

  /** Loss and dL/dX for the log-magnitude x [rows, F], as textureLossAndGrad computes them. */
  lossAndGrad(x: tf.Tensor2D): { loss: tf.Scalar; grad: tf.Tensor2D } {
    const { layout } = this
    const rows = this.rows
    const outRows = rows - this.kernel + 1
    const xv = x.dataSync() as Float32Array
    this.data.set(xv, layout.x)
    this.command(CMD.partA)
    const own = this.shard.partA(xv, rows)
    this.awaitHelpers(this.seq, COMMAND_TIMEOUT_MS)
    // Sum every shard's terms into shard 0's regions, in shard order (deterministic).
    const kAA = this.data.subarray(layout.kAA[0]!, layout.kAA[0]! + outRows * outRows)
    const kAS = this.data.subarray(layout.kAS[0]!, layout.kAS[0]! + outRows * layout.styleRows)
    kAA.set(own.kAA)
    kAS.set(own.kAS)
    let contentLoss = own.contentLoss
    for (let h = 1; h < layout.shards; h++) {
      addInto(kAA, this.data, layout.kAA[h]!)
      addInto(kAS, this.data, layout.kAS[h]!)
      contentLoss += this.losses[h]!
    }
    const loss = shardedLoss(kAA, kAS, outRows, layout.styleRows, this.gramNormSq, contentLoss)
    this.command(CMD.partB)
    const grad = this.shard.partB(kAA, kAS)
    this.awaitHelpers(this.seq, COMMAND_TIMEOUT_MS)
    for (let h = 1; h < layout.shards; h++) addInto(grad, this.data, layout.grad[h]!)
    return { loss: tf.scalar(loss), grad: tf.tensor2d(grad, [rows, layout.bins]) }
  }

  /** Stops the helpers and frees this thread's shard. */
  dispose(): void {
    if (this.closed) return
    this.closed = true
    try {
      this.command(CMD.exit)
    } finally {
      this.shard.dispose()
      for (const w of this.workers) void w.terminate()
    }
  }

  private command(cmd: number): void {
    Atomics.store(this.ctrl, CTRL.rows, this.rows)
    Atomics.store(this.ctrl, CTRL.cmd, cmd)
    this.seq++
    Atomics.store(this.ctrl, CTRL.seq, this.seq)
    Atomics.notify(this.ctrl, CTRL.seq)
  }

  /** Blocks until every helper has acknowledged `seq`; throws the first helper error. */
  private awaitHelpers(seq: number, timeoutMs: number): void {
    for (let h = 1; h < this.layout.shards; h++) awaitAck(this.helpers, h, seq, timeoutMs)
  }
}

/** dst[i] += src[at + i]. */
function addInto(dst: Float32Array, src: Float32Array, at: number): void {
  for (let i = 0; i < dst.length; i++) dst[i]! += src[at + i]!
}
