/** Linear-interpolated quantile q (0..1) of ascending, non-empty `sorted` (numpy.quantile's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1)
  const i = Math.floor(pos)
  const j = Math.min(sorted.length - 1, i + 1)
  return sorted[i]! + (pos - i) * (sorted[j]! - sorted[i]!)
}

/** quantileSorted over a sorted copy of `values`; 0 for an empty array. */
export function quantile(values: Float64Array, q: number): number {
  return values.length === 0 ? 0 : quantileSorted(Float64Array.from(values).sort(), q)
}
