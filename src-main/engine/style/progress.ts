/** Progress as style methods report it: step of total, loss, phase name. */
export interface StyleProgress {
  step: number
  total: number
  loss?: number
  phase: string
}

/** Hooks a style run receives: progress, and an abort signal checked once per iteration. */
export interface StyleHooks {
  onProgress?: (p: StyleProgress) => void
  signal?: AbortSignal
}

/** Throws the standard cancellation error when the signal has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const err = new Error('render cancelled')
    err.name = 'JobCancelled'
    throw err
  }
}
