import type { Shape } from '../reference'

/** One mutated audio file for an audio target. */
export interface AudioInput {
  path: string
  bytes: Uint8Array
  /** The mutation kept the file valid: it must be accepted, as `expected`. */
  valid: boolean
  /** The seed's own rate, channels and length (valid variants must match). */
  expected?: Shape
  /** The case's own folder, for outputs and the reference decoder. */
  dir: string
}
