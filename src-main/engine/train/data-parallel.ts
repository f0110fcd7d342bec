/**
 * Data-parallel training on one machine: the batch is cut into shards, one per thread; every thread
 * (this one and `threads - 1` helpers, each with its own TensorFlow.js backend instance) computes
 * its shard's gradients; this thread averages them (weighted by shard size), applies the model's
 * own optimizer, and broadcasts the new weights through shared memory before the next step. On the
 * wasm backend one instance runs one kernel at a time on one core, so this is how training uses the
 * second core. The result equals single-thread training on the whole batch up to float32 summation
 * order (the mean of shard means, weighted, is the batch mean).
 *
 * The helpers rebuild the model from its Keras topology (model.toJSON), so this serves any
 * tfjs-layers model with a loss named in LossName. Synchronous like texture-split.ts: this thread
 * blocks in Atomics.wait while the helpers work, which Node allows on any thread.
 */
import { Worker } from 'node:worker_threads'
import { tf } from '../tf'
import { siblingEntryUrl, workerEntry } from '../../jobs/worker-entry'
import { UserError } from '../../util/errors'
import { ackError, acknowledged, awaitAck, type AckChannel } from '../helper-ack'
import type { LayersModel } from '../models/model-files'
import { gradientSize, packWeights, shardLossAndGradients, trainableVariables, weightSize, type LossName } from './replica'

/** Control slots: [seq, rows of each helper.., then the acknowledgement slots (done, status, errorLength) of each]. */
export const CTRL_SEQ = 0
/** Longest a helper may take to start (load the backend, build the model). */
const START_TIMEOUT_MS = 120_000
/** Longest one shard may take before its helper is taken for dead. */
const STEP_TIMEOUT_MS = 120_000
/** Bytes of an error message a helper can hand back. */
const ERROR_BYTES = 512

/** Where each thing lives in the shared buffers; the same object goes to every helper. */
export interface ReplicaLayout {
  helpers: number
  /** Floats per example input and output. */
  inputSize: number
  outputSize: number
  /** Examples one shard holds at most. */
  maxRows: number
  weights: number
  grads: number
}

/** What a helper gets as workerData. */
export interface ReplicaBoot {
  index: number
  backend: string | undefined
  topology: string
  loss: LossName
  inputShape: number[]
  layout: ReplicaLayout
  ctrl: SharedArrayBuffer
  data: SharedArrayBuffer
  losses: SharedArrayBuffer
  errors: SharedArrayBuffer
}

/** Float offsets of the regions in the shared data buffer. */
export function regions(l: ReplicaLayout): { weights: number; x: (h: number) => number; y: (h: number) => number; grads: (h: number) => number; floats: number } {
  const xAt = l.weights
  const yAt = xAt + l.helpers * l.maxRows * l.inputSize
  const gAt = yAt + l.helpers * l.maxRows * l.outputSize
  return {
    weights: 0,
    x: (h) => xAt + h * l.maxRows * l.inputSize,
    y: (h) => yAt + h * l.maxRows * l.outputSize,
    grads: (h) => gAt + h * l.grads,
    floats: gAt + l.helpers * l.grads
  }
}

/** Control slot of helper `h` (0-based) for its row count. */
export const rowsSlot = (h: number): number => 1 + h

/** The acknowledgement channel over these buffers (engine/helper-ack): slots after the row counts. */
export function ackChannel(l: ReplicaLayout, ctrl: Int32Array, errors: Uint8Array): AckChannel {
  const base = 1 + l.helpers
  return {
    ctrl,
    errors,
    slots: { done: base, status: base + l.helpers, errorLength: base + 2 * l.helpers },
    errorBytes: ERROR_BYTES,
    name: (h) => `data-parallel helper ${h + 1}`
  }
}

/** The helper entry beside this module: replica-helper.ts from source, .js when bundled (see electron.vite.config.ts). */
export function replicaHelperUrl(base: string = import.meta.url): URL {
  return siblingEntryUrl('replica-helper', base)
}

/** A compiled model trained over `threads` threads. */
export class DataParallel {
  private readonly ctrl: Int32Array
  private readonly data: Float32Array
  private readonly losses: Float64Array
  private readonly helpers: AckChannel
  private readonly grads: Float32Array
  private readonly sum: Float32Array
  private seq = 0
  private closed = false

  private constructor(
    private readonly model: LayersModel,
    private readonly loss: LossName,
    private readonly layout: ReplicaLayout,
    buffers: { ctrl: SharedArrayBuffer; data: SharedArrayBuffer; losses: SharedArrayBuffer; errors: SharedArrayBuffer },
    private readonly workers: Worker[]
  ) {
    this.ctrl = new Int32Array(buffers.ctrl)
    this.data = new Float32Array(buffers.data)
    this.losses = new Float64Array(buffers.losses)
    this.helpers = ackChannel(layout, this.ctrl, new Uint8Array(buffers.errors))
    this.grads = new Float32Array(layout.grads)
    this.sum = new Float32Array(layout.grads)
  }

  /**
   * Starts `threads - 1` helpers for a compiled `model` (its optimizer is the one applied) whose
   * batches hold at most `maxBatch` examples. Rejects with a UserError when a helper cannot start.
   */
  static async start(model: LayersModel, opts: { threads: number; maxBatch: number; loss: LossName; backend?: string }): Promise<DataParallel> {
    if (!model.optimizer) throw new UserError('data-parallel training: the model is not compiled')
    const helpers = Math.max(0, Math.floor(opts.threads) - 1)
    const inputShape = (model.inputs[0]!.shape as (number | null)[]).slice(1) as number[]
    const layout: ReplicaLayout = {
      helpers,
      inputSize: inputShape.reduce((a, b) => a * b, 1),
      outputSize: (model.outputs[0]!.shape as (number | null)[]).slice(1).reduce((a: number, b) => a * (b ?? 1), 1),
      maxRows: Math.ceil(opts.maxBatch / (helpers + 1)),
      weights: weightSize(model),
      grads: gradientSize(model)
    }
    const buffers = {
      ctrl: new SharedArrayBuffer(4 * (1 + 4 * Math.max(1, helpers))),
      data: new SharedArrayBuffer(4 * regions(layout).floats),
      losses: new SharedArrayBuffer(8 * Math.max(1, helpers)),
      errors: new SharedArrayBuffer(ERROR_BYTES * Math.max(1, helpers))
    }
    const topology = JSON.stringify(model.toJSON(null, false))
    // A helper's done slot is -1 until it is ready (it then acknowledges 0).
    const { slots } = ackChannel(layout, new Int32Array(buffers.ctrl), new Uint8Array(buffers.errors))
    new Int32Array(buffers.ctrl).fill(-1, slots.done, slots.done + helpers)
    const workers: Worker[] = []
    const dp = new DataParallel(model, opts.loss, layout, buffers, workers)
    try {
      for (let h = 0; h < helpers; h++) {
        const boot: ReplicaBoot = { index: h, backend: opts.backend, topology, loss: opts.loss, inputShape, layout, ...buffers }
        workers.push(new Worker(workerEntry(replicaHelperUrl()), { workerData: boot }))
      }
      await Promise.all(workers.map((w, h) => dp.waitStarted(w, h)))
    } catch (err) {
      await dp.close()
      throw err
    }
    return dp
  }

  /** Threads taking part, this one included. */
  get threads(): number {
    return this.layout.helpers + 1
  }

  /**
   * One optimizer step on a batch of `size` examples (x [size * inputSize], y [size * outputSize],
   * row-major): returns the batch's mean loss.
   */
  step(x: Float32Array, y: Float32Array, size: number): number {
    if (this.closed) throw new Error('data-parallel training: already closed')
    const l = this.layout
    const r = regions(l)
    const shards = this.layout.helpers + 1
    const per = Math.ceil(size / shards)
    const own = Math.min(per, size)
    if (size > shards * l.maxRows) throw new UserError(`data-parallel training: a batch of ${size} is more than the ${shards * l.maxRows} it was started for`)
    packWeights(this.model, this.data.subarray(r.weights, r.weights + l.weights))
    const rows: number[] = []
    for (let h = 0; h < l.helpers; h++) {
      const from = own + h * per
      const n = Math.max(0, Math.min(per, size - from))
      rows.push(n)
      this.data.set(x.subarray(from * l.inputSize, (from + n) * l.inputSize), r.x(h))
      this.data.set(y.subarray(from * l.outputSize, (from + n) * l.outputSize), r.y(h))
      Atomics.store(this.ctrl, rowsSlot(h), n)
    }
    const seq = ++this.seq
    Atomics.store(this.ctrl, CTRL_SEQ, seq)
    Atomics.notify(this.ctrl, CTRL_SEQ)

    // This thread's own shard meanwhile.
    const xs = tf.tensor(x.subarray(0, own * l.inputSize), [own, ...((this.model.inputs[0]!.shape as number[]).slice(1))])
    const ys = tf.tensor2d(y.subarray(0, own * l.outputSize), [own, l.outputSize])
    let loss = shardLossAndGradients(this.model, this.loss, xs, ys, this.grads) * own
    tf.dispose([xs, ys])
    for (let i = 0; i < l.grads; i++) this.sum[i] = this.grads[i]! * own

    for (let h = 0; h < l.helpers; h++) {
      awaitAck(this.helpers, h, seq, STEP_TIMEOUT_MS)
      if (rows[h] === 0) continue
      const g = this.data.subarray(r.grads(h), r.grads(h) + l.grads)
      const n = rows[h]!
      for (let i = 0; i < l.grads; i++) this.sum[i] += g[i]! * n
      loss += this.losses[h]! * n
    }
    for (let i = 0; i < l.grads; i++) this.sum[i] /= size
    this.apply()
    return loss / size
  }

  /** Applies the averaged gradients with the model's own optimizer (Adam's state lives here). */
  private apply(): void {
    const vars = trainableVariables(this.model)
    const named: Record<string, tf.Tensor> = {}
    let at = 0
    for (const v of vars) {
      named[v.name] = tf.tensor(this.sum.subarray(at, at + v.size), v.shape)
      at += v.size
    }
    this.model.optimizer.applyGradients(named)
    tf.dispose(Object.values(named))
  }

  private waitStarted(w: Worker, h: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`data-parallel helper ${h + 1}: did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS)
      const poll = setInterval(() => {
        if (!acknowledged(this.helpers, h, 0)) return
        clearInterval(poll)
        clearTimeout(timer)
        const error = ackError(this.helpers, h)
        if (error !== null) reject(new Error(error))
        else resolve()
      }, 5)
      w.once('error', (err) => {
        clearInterval(poll)
        clearTimeout(timer)
        reject(err)
      })
    })
  }

  /** Stops the helpers (they exit at seq -1). */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    Atomics.store(this.ctrl, CTRL_SEQ, -1)
    Atomics.notify(this.ctrl, CTRL_SEQ)
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
