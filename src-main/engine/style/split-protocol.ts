import type { AckChannel } from '../helper-ack'
/**
 * Shared-memory protocol between the thread that runs a texture render and its helper threads
 * (texture-split.ts and texture-helper.ts). The loss function an optimiser calls is synchronous,
 * so per-iteration hand-offs go through SharedArrayBuffers with Atomics.wait/notify (microseconds)
 * rather than messages, which a thread busy in that loop could not receive.
 */

/** Int32 slots of the control buffer shared by every helper; per-helper slots follow (ctrlSlots). */
export const CTRL = {
  /** Sequence number of the latest command (the helpers wait on it). */
  seq: 0,
  /** The command: one of CMD. */
  cmd: 1,
  /** Frames T of the current content (rows of x). */
  rows: 2
} as const

/** First per-helper slot (the shared ones above stay clear of it). */
const PER_HELPER = 8

/**
 * Per-helper Int32 slots for `shards` shards, indexed by helper h (1..shards-1): `done + h` holds
 * helper h's acknowledged sequence number, `status + h` its status (0 ok, 1 failed, message in the
 * error text), `errorLength + h` the bytes of that text; `size` is the buffer's length in slots.
 */
export function ctrlSlots(shards: number): { done: number; status: number; errorLength: number; size: number } {
  return { done: PER_HELPER, status: PER_HELPER + shards, errorLength: PER_HELPER + 2 * shards, size: PER_HELPER + 3 * shards }
}

export const CMD = { content: 1, partA: 2, partB: 3, exit: 4 } as const

/** Bytes of error text each helper may leave. */
export const ERROR_BYTES = 1024

/** Float offsets (in the data buffer) of the regions one render needs; all sizes are maxima. */
export interface SplitLayout {
  /** Shards in all (1 + helpers). */
  shards: number
  bins: number
  /** Most content frames T of one segment. */
  maxRows: number
  /** Style activation rows Ts. */
  styleRows: number
  /** x (or content frames), [maxRows, F]. */
  x: number
  /** Per shard: kAA [T', T'], kAS [T', Ts], grad [T, F]. */
  kAA: number[]
  kAS: number[]
  grad: number[]
  /** Per shard: S_h S_h^T [Ts, Ts] (style setup only). */
  sss: number[]
  /** Floats before the Float64Array of per-shard content losses (slot 0 carries alpha for CMD.content). */
  floats: number
}

/** Lays out the data buffer for `shards` shards. */
export function splitLayout(shards: number, bins: number, maxRows: number, styleRows: number, kernel: number): SplitLayout {
  let at = 0
  const take = (n: number): number => {
    const start = at
    at += n
    // Keep every region 8-byte aligned so a Float64Array can sit at its end.
    at += at % 2
    return start
  }
  const outRows = maxRows - kernel + 1
  const x = take(maxRows * bins)
  const kAA: number[] = []
  const kAS: number[] = []
  const grad: number[] = []
  const sss: number[] = []
  for (let h = 0; h < shards; h++) {
    kAA.push(take(outRows * outRows))
    kAS.push(take(outRows * styleRows))
    grad.push(take(maxRows * bins))
    sss.push(take(styleRows * styleRows))
  }
  return { shards, bins, maxRows, styleRows, x, kAA, kAS, grad, sss, floats: at }
}

/** Filter columns [from, to) of shard h when `filters` are split `shards` ways as evenly as possible. */
export function shardColumns(filters: number, shards: number, h: number): [number, number] {
  const base = Math.floor(filters / shards)
  const extra = filters % shards
  const from = h * base + Math.min(h, extra)
  return [from, from + base + (h < extra ? 1 : 0)]
}

/** What a helper thread is started with (worker_threads workerData). */
export interface HelperBoot {
  /** Helper index h >= 1 (shard 0 is the calling thread's). */
  index: number
  backend: string
  bins: number
  filters: number
  kernel: number
  seed: number
  columns: [number, number]
  layout: SplitLayout
  ctrl: SharedArrayBuffer
  data: SharedArrayBuffer
  errors: SharedArrayBuffer
  /** The style's log-magnitude frames [styleFrames, F] (copied to the helper). */
  styleFrames: Float32Array
  styleFrameCount: number
}

/** The acknowledgement channel (engine/helper-ack) of a split render's `shards` over these buffers. */
export function textureAckChannel(shards: number, ctrl: Int32Array, errors: Uint8Array): AckChannel {
  return { ctrl, errors, slots: ctrlSlots(shards), errorBytes: ERROR_BYTES, name: (h) => `texture helper ${h}` }
}
