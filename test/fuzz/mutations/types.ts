import type { FuzzRng } from '../random'

/** Audio containers in the seed corpus. */
export type AudioKind = 'wav' | 'flac' | 'mp3' | 'ogg'

/** A seed file: valid as committed or generated. */
export interface Seed<K extends string = string> {
  name: string
  kind: K
  bytes: Uint8Array
}

/** What one mutation made of a seed. */
export interface Mutated {
  bytes: Uint8Array
  /** The parameters chosen, for the report and the replay line. */
  note: string
  /**
   * The result is still a valid file that means the same audio (a chunk added, a placeholder size,
   * a tag in front): a correct reader must give the seed's own rate, channels and length.
   */
  valid?: boolean
}

/** A named way of damaging (or legally varying) a file; null when it does not apply to this seed. */
export interface Mutation<K extends string = string> {
  name: string
  kinds: readonly K[]
  apply(bytes: Uint8Array, rng: FuzzRng): Mutated | null
}
