/**
 * Shaping a training run's curves for the chart: epochs on x, loss (raw and smoothed), and per epoch
 * a tagger's validation ROC-AUC or a WaveNet's train and validation NLL.
 */

/** One metric over steps, as runCurves sends it. */
export interface CurveLike {
  steps: ArrayLike<number>
  values: ArrayLike<number>
}

/** A run's curves by metric name. */
export type CurvesLike = Record<string, CurveLike | undefined>

/** The chart's series, aligned on one x array (null where a series has no point). */
export interface ChartSeries {
  /** Epochs (fractional: batch 3 of 6 is 0.5) when the steps per epoch are known, else steps. */
  x: number[]
  xUnit: 'epoch' | 'step'
  loss: (number | null)[]
  lossSmooth: (number | null)[]
  valRocAuc: (number | null)[]
  /** Mean training loss of each epoch (a WaveNet's train NLL). */
  epochLoss: (number | null)[]
  /** A WaveNet's validation NLL per epoch. */
  validNll: (number | null)[]
  /** Where the x axis ends: a live run's planned length, so its curve grows into the chart (null: the data's end). */
  xMax: number | null
}

/**
 * Batches per epoch: the step of the first epoch-end record (the job logs epochLoss and the
 * validation figures at each epoch's last step), else `fallback` (a live run's total / epochs
 * before its first epoch ends), else null.
 */
export function stepsPerEpoch(curves: CurvesLike, fallback?: number): number | null {
  for (const name of ['epochLoss', 'valRocAuc', 'valPrAuc']) {
    const first = curves[name]?.steps[0]
    if (first !== undefined && first > 0) return first
  }
  return fallback !== undefined && Number.isFinite(fallback) && fallback > 0 ? fallback : null
}

/**
 * Exponential moving average with TensorBoard's debiasing (the first points are not pulled towards
 * zero). Non-finite values give null and do not enter the average.
 */
export function smoothEma(values: ArrayLike<number>, weight: number): (number | null)[] {
  const w = Math.min(Math.max(weight, 0), 0.999)
  const out: (number | null)[] = []
  let last = 0
  let n = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (!Number.isFinite(v)) {
      out.push(null)
      continue
    }
    last = last * w + (1 - w) * v
    n += 1
    out.push(last / (1 - w ** n))
  }
  return out
}

/**
 * Smoothing weight for `n` loss points: an average over about a thirtieth of the run, so a curve of
 * thousands of batches shows its trend and a short one (under 60 points) stays as logged.
 */
export function smoothingWeight(n: number): number {
  const window = n / 30
  return window <= 2 ? 0 : Math.min(1 - 1 / window, 0.98)
}

/**
 * Aligns loss (per batch) and the per-epoch figures (validation ROC-AUC, epoch loss, validation NLL)
 * on one x axis for the chart. `plannedEpochs` (a live run's) fixes the x axis at 0..epochs when x is
 * in epochs; `lossScale` multiplies the loss-like series (1 / ln 2 turns a WaveNet's nats into bits).
 */
export function chartSeries(curves: CurvesLike, opts: { stepsPerEpoch?: number | null; plannedEpochs?: number; lossScale?: number } = {}): ChartSeries {
  const none: CurveLike = { steps: [], values: [] }
  const k = opts.lossScale ?? 1
  const scaled = (c: CurveLike | undefined): CurveLike => (c && k !== 1 ? { steps: c.steps, values: Array.from(c.values, (v) => v * k) } : c ?? none)
  const loss = scaled(curves.loss)
  const val = curves.valRocAuc ?? none
  const epochLoss = scaled(curves.epochLoss)
  const validNll = scaled(curves.validNll)
  const steps = [...new Set([loss, val, epochLoss, validNll].flatMap((c) => Array.from(c.steps)))].sort((a, b) => a - b)
  const at = new Map(steps.map((s, i) => [s, i]))
  const place = (c: CurveLike, values: ArrayLike<number | null> = c.values): (number | null)[] => {
    const out: (number | null)[] = new Array(steps.length).fill(null)
    for (let i = 0; i < c.steps.length; i++) {
      const v = values[i]
      out[at.get(c.steps[i]!)!] = v !== null && v !== undefined && Number.isFinite(v) ? v : null
    }
    return out
  }
  const spe = opts.stepsPerEpoch ?? null
  return {
    x: spe ? steps.map((s) => s / spe) : steps,
    xUnit: spe ? 'epoch' : 'step',
    loss: place(loss),
    lossSmooth: place(loss, smoothEma(loss.values, smoothingWeight(loss.values.length))),
    valRocAuc: place(val),
    epochLoss: place(epochLoss),
    validNll: place(validNll),
    xMax: spe && opts.plannedEpochs !== undefined && opts.plannedEpochs > 0 ? opts.plannedEpochs : null
  }
}

/** The last finite value of a metric (null when none). */
export function lastValue(c: CurveLike | undefined): number | null {
  if (!c) return null
  for (let i = c.values.length - 1; i >= 0; i--) if (Number.isFinite(c.values[i]!)) return c.values[i]!
  return null
}


/** The x axis of the chart: from 0 to the planned end, else the data's end (1 before any point). */
export function xRange(dataMax: number | null, xMax: number | null): [number, number] {
  const end = xMax ?? (dataMax !== null && Number.isFinite(dataMax) && dataMax > 0 ? dataMax : 1)
  return [0, end]
}
