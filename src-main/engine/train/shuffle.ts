import { createRng } from '../../util/random'

/**
 * The order of `n` examples in epoch `epoch` of a run seeded `seed`: a Fisher-Yates shuffle whose
 * stream depends only on (seed, epoch), so a run resumed at any epoch sees the same order as the
 * run that never stopped.
 */
export function epochOrder(n: number, seed: number, epoch: number): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i)
  // A different odd multiplier per epoch keeps the streams of (seed, epoch) pairs apart.
  const rng = createRng((seed * 0x9e3779b1 + epoch * 0x85ebca6b) >>> 0)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1))
    const t = order[i]!
    order[i] = order[j]!
    order[j] = t
  }
  return order
}
