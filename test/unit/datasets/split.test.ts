import { describe, expect, it } from 'vitest'
import { parseSplitList, seededSplit } from '../../../src-main/datasets/split'
import { UserError } from '../../../src-main/util/errors'

const keys = Array.from({ length: 1000 }, (_, i) => String(i * 3 + 2))

describe('seededSplit', () => {
  it('holds out exactly 5 % for validation', () => {
    const s = seededSplit(keys, 7)
    const valid = [...s.values()].filter((v) => v === 'valid').length
    expect(valid).toBe(50)
    expect(s.size).toBe(1000)
    // The full MagnaTagATune size rounds to 1293 validation clips.
    expect([...seededSplit(Array.from({ length: 25863 }, (_, i) => String(i))).values()].filter((v) => v === 'valid')).toHaveLength(1293)
  })

  it('depends only on the set of keys and the seed', () => {
    const a = seededSplit(keys, 7)
    const b = seededSplit([...keys].reverse(), 7)
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort())
    const c = seededSplit(keys, 8)
    expect([...c.entries()].sort()).not.toEqual([...a.entries()].sort())
  })

  it('shuffles: validation clips are spread over the whole range, not a block', () => {
    const valid = [...seededSplit(keys, 7)].filter(([, v]) => v === 'valid').map(([k]) => Number(k))
    const quarter = (3 * 1000) / 4
    const perQuarter = [0, 1, 2, 3].map((q) => valid.filter((k) => k >= q * quarter && k < (q + 1) * quarter).length)
    // 50 draws over four quarters: each gets some (a block would put all 50 in one).
    for (const n of perQuarter) expect(n).toBeGreaterThan(3)
  })
})

describe('parseSplitList', () => {
  it('reads ids or paths with tab, comma or space separators and split synonyms', () => {
    const m = parseSplitList('clip\tsplit\n2\ttrain\n5,val\n# note\n\nf/a b.mp3 test\n"9" validation\n', 'split.txt')
    expect([...m]).toEqual([
      ['2', 'train'],
      ['5', 'valid'],
      ['f/a b.mp3', 'test'],
      ['9', 'valid']
    ])
  })

  it('names the line of a bad entry', () => {
    expect(() => parseSplitList('2 train\n3 maybe\n', 'split.txt')).toThrow(new UserError('split.txt line 2: expected "<clip id or path> <train|valid|test>", found "3 maybe"'))
    expect(() => parseSplitList('# nothing\n', 'split.txt')).toThrow(/no "<clip id or path> <split>" lines/)
  })
})
