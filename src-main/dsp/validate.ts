import { UserError } from '../util/errors'

/** Throws unless `x` is non-empty and every sample is finite; `what` names the input in the message. */
export function assertFiniteSignal(x: ArrayLike<number>, what: string): void {
  if (x.length === 0) throw new UserError(`${what} is empty (0 samples)`)
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new UserError(`${what} has a non-finite sample (${x[i]}) at index ${i}`)
  }
}

/** Throws unless `n` is an integer in [min, max]. */
export function assertIntegerIn(n: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UserError(`${what} ${n} is not an integer in ${min}..${max}`)
  }
}

/** Throws unless `v` is a finite number > 0. */
export function assertPositive(v: number, what: string): void {
  if (!Number.isFinite(v) || v <= 0) throw new UserError(`${what} ${v} is not a positive finite number`)
}
