/**
 * The generic training loop every model of the product trains with (taggers now; WaveNet and the
 * VAEs next): epochs of batches from a BatchSource through a compiled tfjs-layers model, callbacks
 * at batch and epoch end (tfjs-layers' own habit: onBatchEnd, onEpochEnd), a stop flag checked every
 * batch (cancel within one batch), a time budget, validation after each epoch, early stopping on a
 * validation metric, and a checkpoint each epoch that holds weights, optimizer state and this
 * TrainState, so a resumed run continues the same loss curve with the same data order.
 *
 * The loop touches no files or database itself: `checkpoint` and the callbacks are the caller's
 * (the training job writes folders and records them in the library).
 */
import { tf } from '../tf'
import type { LayersModel } from '../models/model-files'
import { initialEarlyStopping, observe, type EarlyStoppingOptions, type EarlyStoppingState } from './early-stopping'
import type { Milliseconds } from '../../util/units'

/** What every batch says: how many examples it holds. */
export interface SizedBatch {
  size: number
}

/** One batch as tensors, what the default step (model.trainOnBatch) takes; the loop disposes them. */
export interface Batch extends SizedBatch {
  x: tf.Tensor
  y: tf.Tensor
}

/** Where batches come from: an epoch's batches in an order fixed by (seed, epoch). */
export interface BatchSource<B extends SizedBatch = Batch> {
  /** Batches in one epoch. */
  batchesPerEpoch: number
  /** The batches of `epoch`; the loop may stop early and calls `return()` on the iterator. */
  epoch(epoch: number): AsyncIterable<B>
}

/** One optimizer step on a batch; returns the batch's loss. The default is model.trainOnBatch. */
export type StepFn<B extends SizedBatch> = (model: LayersModel, batch: B) => number | Promise<number>

/** model.trainOnBatch on a tensor batch, whose tensors are then disposed. */
export async function trainOnBatch(model: LayersModel, b: Batch): Promise<number> {
  try {
    const out = await model.trainOnBatch(b.x, b.y)
    return Array.isArray(out) ? out[0]! : out
  } finally {
    tf.dispose([b.x, b.y])
  }
}

/** Where a run stands: saved in each checkpoint, and the starting point of a resumed run. */
export interface TrainState {
  /** Epochs completed. */
  epoch: number
  /** Optimizer steps (batches) completed. */
  step: number
  /** The data-order seed of the run. */
  seed: number
  earlyStopping: EarlyStoppingState
  /** Wall time spent training so far, over all sessions of the run. */
  elapsedMs: Milliseconds
}

/** A fresh run's state. */
export const initialTrainState = (seed: number): TrainState => ({ epoch: 0, step: 0, seed, earlyStopping: initialEarlyStopping(), elapsedMs: 0 })

/** What onBatchEnd sees. */
export interface BatchEnd {
  epoch: number
  batch: number
  step: number
  loss: number
  /** Examples per second over the batches of this session so far (data loading included). */
  examplesPerSecond: number
}

/** What onEpochEnd sees: the epoch's mean training loss and its validation metrics. */
export interface EpochEnd {
  epoch: number
  step: number
  loss: number
  metrics: Record<string, number>
  /** This epoch is the best so far by the early-stopping metric (always true without early stopping). */
  improved: boolean
  state: TrainState
}

/** How to train. */
export interface TrainOptions<B extends SizedBatch = Batch> {
  /** A compiled model (loss and optimizer set); trained in place. */
  model: LayersModel
  data: BatchSource<B>
  /** The step (default: trainOnBatch; data-parallel training passes its own). */
  step?: StepFn<B>
  /** Epochs to reach (counted from the run's start, so a resumed run stops at the same place). */
  epochs: number
  /** Where to start: a fresh run's state, or the state of the checkpoint being resumed. */
  state: TrainState
  /** Validation after each epoch: metric name -> value (e.g. valRocAuc, valLoss). */
  validate?: (model: LayersModel) => Promise<Record<string, number>>
  earlyStopping?: EarlyStoppingOptions
  /** Stop after this much wall time in this session (checked per batch; the epoch is then checkpointed). */
  maxMs?: Milliseconds
  /** Called after every epoch with the model and the state to save (the caller writes the folder). */
  checkpoint?: (model: LayersModel, end: EpochEnd) => Promise<void>
  onBatchEnd?: (b: BatchEnd) => void
  onEpochEnd?: (e: EpochEnd) => void
  /** Checked before every batch: true stops training (the partial epoch is not checkpointed). */
  shouldStop?: () => boolean
}

/** Why training ended. */
export type StopReason = 'epochs' | 'early-stopping' | 'time' | 'cancelled'

/** What a training session did. */
export interface TrainReport {
  state: TrainState
  reason: StopReason
  /** Examples per second over this session. */
  examplesPerSecond: number
  lastEpoch: EpochEnd | null
}

/**
 * Trains `model` from `state` until `epochs`, early stopping, the time budget or the stop flag.
 * Each batch runs inside tf.tidy through model.trainOnBatch, and its tensors are disposed, so the
 * tensor count is flat across epochs. Rejects with whatever the data source or a callback throws.
 */
export async function train<B extends SizedBatch = Batch>(opts: TrainOptions<B>): Promise<TrainReport> {
  const { model, data } = opts
  const step = opts.step ?? (trainOnBatch as unknown as StepFn<B>)
  let state: TrainState = { ...opts.state, earlyStopping: { ...opts.state.earlyStopping } }
  const started = performance.now()
  let examples = 0
  let busyMs = 0
  let lastEpoch: EpochEnd | null = null
  const rate = (): number => (busyMs > 0 ? (examples * 1000) / busyMs : 0)
  const report = (reason: StopReason): TrainReport => ({ state, reason, examplesPerSecond: rate(), lastEpoch })

  while (state.epoch < opts.epochs) {
    const epoch = state.epoch
    let lossSum = 0
    let batches = 0
    let stopped: StopReason | null = null
    const iterator = data.epoch(epoch)[Symbol.asyncIterator]()
    try {
      for (;;) {
        if (opts.shouldStop?.()) {
          stopped = 'cancelled'
          break
        }
        if (opts.maxMs !== undefined && performance.now() - started >= opts.maxMs) {
          stopped = 'time'
          break
        }
        // Throughput counts waiting for data too: it is what a user's epoch takes.
        const t0 = performance.now()
        const next = await iterator.next()
        if (next.done) break
        const { size } = next.value
        const loss = await step(model, next.value)
        busyMs += performance.now() - t0
        examples += size
        lossSum += loss
        batches++
        state = { ...state, step: state.step + 1 }
        opts.onBatchEnd?.({ epoch, batch: batches - 1, step: state.step, loss, examplesPerSecond: rate() })
      }
    } finally {
      await iterator.return?.()
    }
    // A cancelled epoch is thrown away (the last checkpoint stands); a timed-out one still counts
    // when it finished at least one batch, so a time budget never loses the work it paid for.
    if (stopped === 'cancelled' || batches === 0) return report(stopped ?? 'epochs')
    const metrics: Record<string, number> = { loss: lossSum / batches, ...(await opts.validate?.(model)) }
    const watched = opts.earlyStopping ? observe(opts.earlyStopping, state.earlyStopping, epoch, metrics[opts.earlyStopping.metric]) : null
    state = {
      ...state,
      epoch: epoch + 1,
      earlyStopping: watched?.state ?? state.earlyStopping,
      elapsedMs: opts.state.elapsedMs + (performance.now() - started)
    }
    lastEpoch = { epoch, step: state.step, loss: metrics.loss, metrics, improved: watched?.improved ?? true, state }
    await opts.checkpoint?.(model, lastEpoch)
    opts.onEpochEnd?.(lastEpoch)
    if (state.epoch >= opts.epochs) break
    if (stopped === 'time') return report('time')
    if (watched?.stop) return report('early-stopping')
  }
  return report('epochs')
}
