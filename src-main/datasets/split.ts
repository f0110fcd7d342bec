import { createRng } from '../util/random'
import { UserError } from '../util/errors'
import type { Split } from '../library/clips'

/** The default split seed: any fixed number gives a reproducible split; 2016 is the report's year. */
export const DEFAULT_SPLIT_SEED = 2016

/** The report's validation share: 5 % of clips, the rest for training. */
export const VALID_FRACTION = 0.05

/**
 * A seeded shuffled train/validation split of `keys` (Fisher-Yates with the shared seeded RNG).
 * Keys are sorted first, so the result depends only on the set of keys and the seed.
 */
export function seededSplit(keys: readonly string[], seed: number = DEFAULT_SPLIT_SEED, validFraction: number = VALID_FRACTION): Map<string, Split> {
  const order = [...keys].sort(compareKeys)
  const rng = createRng(seed)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1))
    const t = order[i]!
    order[i] = order[j]!
    order[j] = t
  }
  const valid = Math.round(order.length * validFraction)
  const out = new Map<string, Split>()
  order.forEach((k, i) => out.set(k, i < valid ? 'valid' : 'train'))
  return out
}

/** Numeric keys in numeric order, others after them in string order. */
function compareKeys(a: string, b: string): number {
  const na = Number(a)
  const nb = Number(b)
  const an = a !== '' && Number.isFinite(na)
  const bn = b !== '' && Number.isFinite(nb)
  if (an && bn) return na - nb
  if (an !== bn) return an ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

const SPLIT_NAMES: Record<string, Split> = { train: 'train', valid: 'valid', val: 'valid', validation: 'valid', test: 'test' }

/**
 * Parses an external split list: one `<key> <split>` per line (tab, comma or spaces between), where
 * key is a clip id or an audio path and split is train, valid (val, validation) or test. Blank lines
 * and lines starting with # are ignored; a header line `key split`-style is skipped when its second
 * field is not a split name on line 1.
 */
export function parseSplitList(text: string, file: string): Map<string, Split> {
  const out = new Map<string, Split>()
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const m = /^(.*?)[\t,\s]+([A-Za-z]+)$/.exec(line)
    const split = m ? SPLIT_NAMES[m[2]!.toLowerCase()] : undefined
    if (!m || split === undefined) {
      if (i === 0) return
      throw new UserError(`${file} line ${i + 1}: expected "<clip id or path> <train|valid|test>", found "${line.slice(0, 60)}"`)
    }
    out.set(m[1]!.trim().replace(/^"|"$/g, ''), split)
  })
  if (out.size === 0) throw new UserError(`${file}: no "<clip id or path> <split>" lines found`)
  return out
}
