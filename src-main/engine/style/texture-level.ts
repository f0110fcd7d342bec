/**
 * The texture method's level rule: no bin of the optimised log1p-magnitude may be louder than the
 * loudest bin of either input. The Gram loss is an average over time, so it barely tells a few
 * partials ten times louder than anything in the style for a tenth of a second from the same
 * energy spread out; on speech content L-BFGS leaves such bursts in ours and the PyTorch peer alike
 * (up to 83 bins, up to 2.3 over the style's loudest log1p-magnitude: docs/performance.md "Texture
 * on speech content"), and the peak-normalised render comes out 2-5 dB quieter with the bursts as
 * its loudest notes. A cap inside the optimisation (a soft cap on the loss's input) was measured too:
 * the same figures as this clamp afterwards, at the cost of bending every value near the cap.
 */

/** Largest value of `x` (-Infinity when empty). */
export function maxOf(x: Float32Array): number {
  let m = Number.NEGATIVE_INFINITY
  for (let i = 0; i < x.length; i++) if (x[i]! > m) m = x[i]!
  return m
}

/** Caps `x` at `cap` in place; returns how many values were lowered. */
export function capInPlace(x: Float32Array, cap: number): number {
  if (Number.isNaN(cap)) throw new Error('capInPlace: cap is NaN')
  let lowered = 0
  for (let i = 0; i < x.length; i++) {
    if (x[i]! > cap) {
      x[i] = cap
      lowered++
    }
  }
  return lowered
}
