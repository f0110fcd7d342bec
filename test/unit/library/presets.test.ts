import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { neutralChain } from '../../../src-main/engine/effects/chain'
import { LIBRARY_FILE } from '../../../src-main/library/open'
import { tempLibrary } from './helpers'

let t: ReturnType<typeof tempLibrary>
beforeEach(() => {
  t = tempLibrary()
})
afterEach(() => t.dispose())

/** Rewrites a stored chain behind the repository's back (an older, newer or hand-edited library). */
function storeRaw(id: number, chainJson: string): void {
  const db = new Database(join(t.dir, LIBRARY_FILE))
  try {
    db.prepare('UPDATE presets SET chain_json = ? WHERE id = ?').run(chainJson, id)
  } finally {
    db.close()
  }
}

describe('presets', () => {
  it('adds, gets, lists by name, renames and deletes a chain', () => {
    const chain = neutralChain()
    chain.compressor.ratio = 4
    const b = t.lib.presets.add({ name: '  bright voice ', chain })
    const a = t.lib.presets.add({ name: 'Airy', chain: neutralChain() })
    expect(t.lib.presets.get(b)).toMatchObject({ id: b, name: 'bright voice', kind: 'effectChain', sourceRenderId: null, chain: { compressor: { ratio: 4 } } })
    expect(t.lib.presets.list().map((p) => p.name)).toEqual(['Airy', 'bright voice'])
    expect(t.lib.presets.rename(a, 'airy voice')).toBe(true)
    expect(t.lib.presets.get(a)!.name).toBe('airy voice')
    expect(t.lib.presets.rename(999, 'x')).toBe(false)
    expect(t.lib.presets.remove(a)).toBe(true)
    expect(t.lib.presets.remove(a)).toBe(false)
    expect(t.lib.presets.get(a)).toBeUndefined()
    expect(() => t.lib.presets.require(a)).toThrow(`preset ${a}: not in the library`)
  })

  it('refuses a bad chain or name before storing anything', () => {
    const before = t.lib.snapshot()
    const loud = { ...neutralChain(), compressor: { ...neutralChain().compressor, ratio: 80 } }
    expect(() => t.lib.presets.add({ name: 'x', chain: loud })).toThrow('preset "x": compressor.ratio: 80 is out of range (maximum 50)')
    expect(() => t.lib.presets.add({ name: ' ', chain: neutralChain() })).toThrow('preset name: empty')
    expect(() => t.lib.presets.add({ name: 'a\nb', chain: neutralChain() })).toThrow('preset name: contains control characters')
    expect(() => t.lib.presets.add({ name: 'x', chain: neutralChain(), sourceRenderId: 7 })).toThrow('render 7: not in the library')
    expect(() => t.lib.presets.add({ name: 'n'.repeat(201), chain: neutralChain() })).toThrow(/^preset name: 201 characters, at most 200$/)
    expect(t.lib.snapshot()).toEqual(before)
  })

  it('refuses a name another preset has, whatever its case, on save and on rename', () => {
    const radio = t.lib.presets.add({ name: 'Radio voice', chain: neutralChain() })
    const other = t.lib.presets.add({ name: 'Hall', chain: neutralChain() })
    expect(() => t.lib.presets.add({ name: ' radio VOICE ', chain: neutralChain() })).toThrow(`preset name: "radio VOICE" is taken by preset ${radio}`)
    expect(() => t.lib.presets.rename(other, 'RADIO voice')).toThrow(`preset name: "RADIO voice" is taken by preset ${radio}`)
    // A preset may take its own name in another case.
    expect(t.lib.presets.rename(radio, 'radio voice')).toBe(true)
    expect(t.lib.presets.list().map((p) => p.name)).toEqual(['Hall', 'radio voice'])
  })

  it('says what is wrong with a chain in plain words, and refuses a crossed EQ', () => {
    const n = neutralChain()
    const band = n.eq.bands[0]!
    const cases: [unknown, string][] = [
      [{ ...n, eq: { ...n.eq, bands: Array.from({ length: 9 }, () => band) } }, 'eq.bands: 9 bands, at most 8'],
      [{ ...n, eq: { ...n.eq, bands: [band] } }, 'eq.bands: 1 band, at least 4'],
      [{ ...n, compressor: { ...n.compressor, ratio: null } }, 'compressor.ratio: null is not a number'],
      [{ ...n, compressor: { ...n.compressor, ratio: '4' } }, 'compressor.ratio: "4" is not a number'],
      [{ ...n, eq: { ...n.eq, bar: 1 } }, 'eq: unknown field "bar"'],
      [{ ...n, reverb: undefined }, 'reverb: missing (an object)'],
      [{ ...n, eq: { ...n.eq, highpass: 3000, lowpass: 2000 } }, 'eq: high-pass 3000 Hz is at or above low-pass 2000 Hz']
    ]
    for (const [chain, line] of cases) expect(() => t.lib.presets.add({ name: 'x', chain }), line).toThrow(`preset "x": ${line}`)
  })

  it('keeps the source render, and forgets it when that render is deleted', () => {
    const render = t.lib.renders.add({ method: 'match', inputs: { content: '/c.wav', style: '/s.wav' }, outputPath: '/o.wav' })
    const id = t.lib.presets.add({ name: 'fitted', chain: neutralChain(), sourceRenderId: render })
    expect(t.lib.presets.get(id)!.sourceRenderId).toBe(render)
    const db = new Database(join(t.dir, LIBRARY_FILE))
    db.pragma('foreign_keys = ON')
    db.prepare('DELETE FROM renders WHERE id = ?').run(render)
    db.close()
    expect(t.lib.presets.get(id)!.sourceRenderId).toBeNull()
  })

  it('reads a newer, out-of-range or corrupt stored chain as one line naming the preset', () => {
    const newer = t.lib.presets.add({ name: 'from the future', chain: neutralChain() })
    const range = t.lib.presets.add({ name: 'hand edited', chain: neutralChain() })
    const corrupt = t.lib.presets.add({ name: 'corrupt', chain: neutralChain() })
    const good = t.lib.presets.add({ name: 'good', chain: neutralChain() })
    storeRaw(newer, JSON.stringify({ ...neutralChain(), version: 2 }))
    storeRaw(range, JSON.stringify({ ...neutralChain(), reverb: { ...neutralChain().reverb, decay: 60 } }))
    storeRaw(corrupt, '{"version": 1,')
    expect(() => t.lib.presets.get(newer)).toThrow(`preset ${newer}: version 2 was written by a newer Electric Beats (this one reads up to 1)`)
    expect(() => t.lib.presets.get(range)).toThrow(`preset ${range}: reverb.decay: 60 is out of range (maximum 20)`)
    expect(() => t.lib.presets.get(corrupt)).toThrow(`library presets#${corrupt}: stored JSON is corrupt`)
    // The listing keeps every preset: the broken ones carry their reason instead of a chain.
    const list = t.lib.presets.list()
    expect(list.map((p) => [p.id, p.problem === null])).toEqual([
      [corrupt, false],
      [newer, false],
      [good, true],
      [range, false]
    ])
    expect(list.find((p) => p.id === range)!.problem).toBe(`preset ${range}: reverb.decay: 60 is out of range (maximum 20)`)
  })
})
