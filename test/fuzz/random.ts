import { createRng, type Rng } from '../../src-main/util/random'

/** The project's seeded RNG with the integer helpers a fuzzer needs; same seed, same case. */
export interface FuzzRng extends Rng {
  /** Integer in [0, n). */
  int(n: number): number
  /** Integer in [lo, hi], both included. */
  range(lo: number, hi: number): number
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T
  /** True with probability p. */
  chance(p: number): boolean
  /** n random bytes. */
  bytes(n: number): Uint8Array
}

/** Wraps createRng (src-main/util/random) with integer helpers. */
export function fuzzRng(seed: number): FuzzRng {
  const r = createRng(seed)
  const int = (n: number): number => Math.floor(r.uniform() * n)
  return {
    ...r,
    int,
    range: (lo, hi) => lo + int(hi - lo + 1),
    pick: (items) => items[int(items.length)]!,
    chance: (p) => r.uniform() < p,
    bytes: (n) => Uint8Array.from({ length: n }, () => int(256))
  }
}

/**
 * The RNG seed of case `index` of a campaign seeded `seed`: an integer hash (murmur3's finaliser)
 * of both, so every case is replayable on its own from `seed:index`.
 */
export function caseSeed(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index >>> 0, 0x85ebca77)) >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}
