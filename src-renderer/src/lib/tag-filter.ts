/** The tag browser's filter: tags every clip must carry (AND) and tags none may carry (NOT). */
export interface TagFilter {
  and: string[]
  not: string[]
}

/** How a tag was clicked: a plain click asks for it, alt/right-click (or the NOT toggle) excludes it. */
export type TagClick = 'and' | 'not'

/** Where a tag stands in the filter. */
export function tagState(f: TagFilter, tag: string): 'and' | 'not' | null {
  return f.and.includes(tag) ? 'and' : f.not.includes(tag) ? 'not' : null
}

/**
 * The filter after a click on `tag`: a click of the kind the tag already has removes it, another kind
 * moves it to that side (a tag is never on both). Returns a new filter; the order of clicks is kept.
 */
export function clickTag(f: TagFilter, tag: string, click: TagClick): TagFilter {
  const state = tagState(f, tag)
  const and = f.and.filter((t) => t !== tag)
  const not = f.not.filter((t) => t !== tag)
  if (state === click) return { and, not }
  return click === 'and' ? { and: [...and, tag], not } : { and, not: [...not, tag] }
}

/** Rows fetched per request: a screenful is ~10-40 rows; 200 keeps a fast scroll to a few requests. */
export const WINDOW_ROWS = 200

/** The windows (of `size` rows) that rows `first..last` (inclusive) fall in, clamped to `total` rows. */
export function windowsFor(first: number, last: number, total: number, size = WINDOW_ROWS): number[] {
  if (total <= 0 || last < first) return []
  const lo = Math.max(0, Math.floor(first / size))
  const hi = Math.floor(Math.min(last, total - 1) / size)
  const out: number[] = []
  for (let w = lo; w <= hi; w++) out.push(w)
  return out
}

/** "m:ss" for a clip's length (MagnaTagATune clips are ~29 s); an em dash when unknown. */
export function clipLength(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—'
  const s = Math.round(seconds)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}
