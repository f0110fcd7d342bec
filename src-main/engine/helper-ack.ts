/**
 * How helper threads (a split texture render's, data-parallel training's) answer the thread that
 * commands them, through shared memory: per helper a `done` slot holding the last sequence number
 * it finished, a `status` slot (0 ok, 1 failed) and an `errorLength` slot for the one-line message
 * it left in its window of the shared error bytes. One implementation for both sides of both uses.
 */
import { describeError } from '../util/errors'

/** The shared buffers and slot layout of one set of helpers. */
export interface AckChannel {
  ctrl: Int32Array
  errors: Uint8Array
  /** First slot of each per-helper run; helper `index`'s slot is base + index. */
  slots: { done: number; status: number; errorLength: number }
  /** Bytes of error text each helper may leave. */
  errorBytes: number
  /** How messages name helper `index` ("texture helper 1"). */
  name: (index: number) => string
}

/** Helper side: marks `seq` done, with the error that ended it if any, and wakes the waiter. */
export function acknowledge(c: AckChannel, index: number, seq: number, err?: unknown): void {
  if (err !== undefined) {
    const bytes = new TextEncoder().encode(`${c.name(index)}: ${describeError(err)}`).subarray(0, c.errorBytes)
    c.errors.set(bytes, index * c.errorBytes)
    Atomics.store(c.ctrl, c.slots.errorLength + index, bytes.length)
    Atomics.store(c.ctrl, c.slots.status + index, 1)
  }
  Atomics.store(c.ctrl, c.slots.done + index, seq)
  Atomics.notify(c.ctrl, c.slots.done + index)
}

/** Whether helper `index` has finished `seq` (or a later one). */
export const acknowledged = (c: AckChannel, index: number, seq: number): boolean => Atomics.load(c.ctrl, c.slots.done + index) >= seq

/** The message helper `index` failed with, or null when it has not failed. */
export function ackError(c: AckChannel, index: number): string | null {
  if (Atomics.load(c.ctrl, c.slots.status + index) === 0) return null
  const length = Atomics.load(c.ctrl, c.slots.errorLength + index)
  return new TextDecoder().decode(c.errors.slice(index * c.errorBytes, index * c.errorBytes + length))
}

/** Caller side: blocks until helper `index` has finished `seq`; throws its error, or after `timeoutMs`. */
export function awaitAck(c: AckChannel, index: number, seq: number, timeoutMs: number): void {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const done = Atomics.load(c.ctrl, c.slots.done + index)
    if (done >= seq) break
    const left = deadline - performance.now()
    if (left <= 0) throw new Error(`${c.name(index)} did not answer within ${Math.round(timeoutMs / 1000)} s`)
    Atomics.wait(c.ctrl, c.slots.done + index, done, left)
  }
  const error = ackError(c, index)
  if (error !== null) throw new Error(error)
}
