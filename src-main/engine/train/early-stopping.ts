/** How early stopping watches a validation metric (Keras' EarlyStopping: monitor, mode, patience). */
export interface EarlyStoppingOptions {
  /** Metric name, e.g. 'valRocAuc'. */
  metric: string
  /** 'max' for scores (ROC-AUC), 'min' for losses. */
  mode: 'max' | 'min'
  /** Epochs without improvement before stopping (>= 1). */
  patience: number
  /** Smallest change that counts as an improvement (0). */
  minDelta?: number
}

/** Where early stopping stands; saved in every checkpoint so a resumed run keeps counting. */
export interface EarlyStoppingState {
  best: number | null
  bestEpoch: number | null
  wait: number
}

/** The state before the first epoch. */
export const initialEarlyStopping = (): EarlyStoppingState => ({ best: null, bestEpoch: null, wait: 0 })

/**
 * Updates the state with one epoch's value of the watched metric; returns the new state and whether
 * this epoch is the best so far and whether training should stop. A missing or non-finite value (a
 * validation split too small to score) says nothing either way: it neither improves nor counts
 * towards the patience, so an unscorable split never stops a run.
 */
export function observe(
  opts: EarlyStoppingOptions,
  state: EarlyStoppingState,
  epoch: number,
  value: number | undefined
): { state: EarlyStoppingState; improved: boolean; stop: boolean } {
  if (value === undefined || !Number.isFinite(value)) return { state, improved: false, stop: false }
  const delta = opts.minDelta ?? 0
  const better = state.best === null || (opts.mode === 'max' ? value > state.best + delta : value < state.best - delta)
  const next: EarlyStoppingState = better ? { best: value, bestEpoch: epoch, wait: 0 } : { ...state, wait: state.wait + 1 }
  return { state: next, improved: better, stop: !better && next.wait >= opts.patience }
}
