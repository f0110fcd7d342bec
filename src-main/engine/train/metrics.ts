/**
 * Evaluation of a tagger: ROC-AUC and average precision (PR-AUC) per tag, their macro and micro
 * means, and song-level predictions from evenly spaced windows.
 *
 * The ranking metrics equal scikit-learn's `roc_auc_score` and `average_precision_score` (the
 * figures every MagnaTagATune paper reports come from them), ties included; the tests compare
 * them with values made by test/fixtures/metrics/generate_reference.py. Pure TypeScript: sums in
 * float64 over sorted indices, O(n log n) per tag, no tensors.
 */
import { assertIntegerIn } from '../../dsp/validate'
import { UserError } from '../../util/errors'
import type { NormalRange, Samples } from '../../util/units'

/** Why a tag has no ROC-AUC in a split (and so no place in the macro means). */
export type LeftOutReason = 'no positive clip in this split' | 'no negative clip in this split'

/** One tag's figures: both in [0, 1]; `positives` of `clips` clips carry the tag. */
export interface TagScore {
  tag: string
  rocAuc: NormalRange
  prAuc: NormalRange
  positives: number
  clips: number
}

/** Per-tag figures, their means, and the tags that have none. */
export interface TagMetrics {
  clips: number
  /** The tags with both positive and negative clips, in the order of `tagNames`. */
  perTag: TagScore[]
  /** Unweighted mean over `perTag` (sklearn's average='macro' on those columns); null when `perTag` is empty. */
  macroRocAuc: NormalRange | null
  /** Unweighted mean of `perTag`'s average precisions; null when `perTag` is empty. */
  macroPrAuc: NormalRange | null
  /** sklearn's average='micro': one ROC-AUC over every (clip, tag) cell of the whole matrix; null without both classes. */
  microRocAuc: NormalRange | null
  /** sklearn's average='micro' average precision over every cell; null without a positive cell. */
  microPrAuc: NormalRange | null
  /** The tags left out of `perTag` and the macro means, with the reason. */
  leftOut: { tag: string; reason: LeftOutReason }[]
}

/** What one pass over the ranked scores gives (see `rank`). */
interface Ranking {
  positives: number
  negatives: number
  /** Twice the area under the ROC curve in counts (TP x FP units): an exact integer in float64. */
  doubleArea: number
  /** sum over distinct thresholds of (TP_n - TP_{n-1}) * P_n; divided by the positives it is the AP. */
  precisionSum: number
}

/**
 * Ranks the scores (highest first) and walks the distinct thresholds once, grouping equal scores
 * as sklearn's `_binary_clf_curve` does: a group moves the ROC curve diagonally (the trapezoid
 * gives a tie between a positive and a negative half credit, Fawcett 2006, algorithm 2) and moves
 * the recall by all its positives at the precision of the whole group. `what` names the input in errors.
 */
function rank(scores: ArrayLike<number>, labels: ArrayLike<number>, what: string): Ranking {
  if (scores.length !== labels.length) {
    throw new RangeError(`${what}: ${scores.length} scores but ${labels.length} labels`)
  }
  const n = scores.length
  for (let i = 0; i < n; i++) {
    const s = scores[i]!
    if (!Number.isFinite(s)) {
      // sklearn refuses them too; NaN has no place in a ranking, and a model that diverged outputs it.
      throw new UserError(`${what}: score ${s} at index ${i} is not a finite number; did the model diverge?`)
    }
    const y = labels[i]!
    if (y !== 0 && y !== 1) throw new RangeError(`${what}: label ${y} at index ${i} is neither 0 nor 1`)
  }
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  order.sort((a, b) => scores[b]! - scores[a]!)

  let tp = 0
  let fp = 0
  let doubleArea = 0
  let precisionSum = 0
  for (let i = 0; i < n;) {
    const threshold = scores[order[i]!]!
    const tp0 = tp
    const fp0 = fp
    for (; i < n && scores[order[i]!]! === threshold; i++) {
      if (labels[order[i]!] === 1) tp++
      else fp++
    }
    doubleArea += (fp - fp0) * (tp + tp0)
    if (tp > tp0) precisionSum += (tp - tp0) * (tp / (tp + fp))
  }
  return { positives: tp, negatives: fp, doubleArea, precisionSum }
}

function aucOf(r: Ranking): NormalRange | null {
  return r.positives > 0 && r.negatives > 0 ? r.doubleArea / (2 * r.positives * r.negatives) : null
}

function apOf(r: Ranking): NormalRange | null {
  return r.positives > 0 ? r.precisionSum / r.positives : null
}

/**
 * Binary ROC-AUC of `scores` (higher = more likely positive; any finite numbers) against 0/1
 * `labels` of the same length: the probability that a random positive outranks a random negative,
 * ties counted half (Mann-Whitney U with average ranks; the trapezoid under the ROC curve of
 * Fawcett 2006). Equals scikit-learn's `roc_auc_score`. Null when the labels lack either class.
 * Throws a RangeError on unequal lengths or a label other than 0/1, a UserError on a non-finite score.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): NormalRange | null {
  return aucOf(rank(scores, labels, 'ROC-AUC'))
}

/**
 * Average precision (PR-AUC) of `scores` against 0/1 `labels`: sum_n (R_n - R_{n-1}) P_n over the
 * distinct score thresholds, highest first, equal scores forming one threshold. Equals
 * scikit-learn's `average_precision_score`; a step function, not the trapezoid, since linear
 * interpolation between points in precision-recall space overstates the area (Davis & Goadrich 2006).
 * Null when there is no positive label. Errors as `rocAuc`.
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): NormalRange | null {
  return apOf(rank(scores, labels, 'average precision'))
}

function mean(values: number[]): number | null {
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null
}

/**
 * Per-tag ROC-AUC and PR-AUC of a clips x tags matrix, row-major (clip 0's tags first), with
 * `scores` the model's outputs and `labels` the 0/1 truth, both of length clips * tagNames.length.
 * A tag whose clips are all negative or all positive has no ROC-AUC: it is listed in `leftOut`
 * with the reason and kept out of `perTag` and of both macro means (so the two means cover the
 * same tags). The micro figures follow sklearn and count every cell, left-out tags included.
 * Throws a RangeError when the lengths do not fit the tag count, a UserError naming the tag whose
 * scores hold a NaN or infinity.
 */
export function tagMetrics(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  tagNames: readonly string[]
): TagMetrics {
  const tags = tagNames.length
  if (tags === 0) throw new RangeError('tag metrics: no tag names')
  if (scores.length !== labels.length) {
    throw new RangeError(`tag metrics: ${scores.length} scores but ${labels.length} labels`)
  }
  if (scores.length % tags !== 0) {
    throw new RangeError(`tag metrics: ${scores.length} scores do not fill rows of ${tags} tags`)
  }
  const clips = scores.length / tags
  const column = new Float64Array(clips)
  const truth = new Uint8Array(clips)
  const perTag: TagScore[] = []
  const leftOut: TagMetrics['leftOut'] = []
  for (let t = 0; t < tags; t++) {
    for (let c = 0; c < clips; c++) {
      column[c] = scores[c * tags + t]!
      truth[c] = labels[c * tags + t]!
    }
    const tag = tagNames[t]!
    const r = rank(column, truth, `tag "${tag}"`)
    const roc = aucOf(r)
    if (roc === null) {
      leftOut.push({ tag, reason: r.positives === 0 ? 'no positive clip in this split' : 'no negative clip in this split' })
    } else {
      perTag.push({ tag, rocAuc: roc, prAuc: apOf(r)!, positives: r.positives, clips })
    }
  }
  // Every cell was checked per tag above, so this pass cannot fail on a score the tags did not name.
  const micro = rank(scores, labels, 'tag metrics (micro)')
  return {
    clips,
    perTag,
    macroRocAuc: mean(perTag.map((s) => s.rocAuc)),
    macroPrAuc: mean(perTag.map((s) => s.prAuc)),
    microRocAuc: aucOf(micro),
    microPrAuc: apOf(micro),
    leftOut
  }
}

/**
 * Starts of `count` windows of `window` samples spread evenly over a clip of `length` samples:
 * the first at 0, the last ending at the clip's end, the rest rounded to the nearest sample between.
 * The default count, ceil(length / window), is the fewest windows that see every sample, so they
 * overlap by less than one window in total. A clip no longer than one window gives [0] (the caller
 * pads it); a count above the distinct starts available is reduced to them; count 1 centres the window.
 */
export function evenWindows(length: Samples, window: Samples, count?: number): Samples[] {
  assertIntegerIn(length, 1, Number.MAX_SAFE_INTEGER, 'clip length')
  assertIntegerIn(window, 1, Number.MAX_SAFE_INTEGER, 'window length')
  if (count !== undefined) assertIntegerIn(count, 1, Number.MAX_SAFE_INTEGER, 'window count')
  const span = length - window
  if (span <= 0) return [0]
  const n = Math.min(count ?? Math.ceil(length / window), span + 1)
  if (n === 1) return [Math.floor(span / 2)]
  return Array.from({ length: n }, (_, i) => Math.round((i * span) / (n - 1)))
}

/**
 * Song-level prediction: the mean over `windows` windows of their scores, given row-major as
 * windows x tags (a model's batch output over `evenWindows`). Returns one float64 score per tag.
 * NaN passes through (tagMetrics names the tag). Throws a RangeError when the length is not a
 * positive multiple of `windows`.
 */
export function songPrediction(windowScores: ArrayLike<number>, windows: number): Float64Array {
  if (!Number.isInteger(windows) || windows < 1 || windowScores.length === 0 || windowScores.length % windows !== 0) {
    throw new RangeError(`song prediction: ${windowScores.length} scores do not fill ${windows} windows`)
  }
  const tags = windowScores.length / windows
  const out = new Float64Array(tags)
  for (let w = 0; w < windows; w++) {
    for (let t = 0; t < tags; t++) out[t] += windowScores[w * tags + t]!
  }
  for (let t = 0; t < tags; t++) out[t] /= windows
  return out
}
