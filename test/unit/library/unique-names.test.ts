import { afterEach, describe, expect, it } from 'vitest'
import { tempLibrary } from './helpers'
import { neutralChain } from '../../../src-main/engine/effects/chain'

describe('automatic model names', () => {
  let t: ReturnType<typeof tempLibrary> | null = null
  afterEach(() => t?.dispose())

  it('a second and third model trained alike get " 2" and " 3" (any case), and each can be renamed to what the others are not', () => {
    t = tempLibrary()
    const { lib } = t
    const name = 'dieleman tagger on Train small ✓'
    const ids = [lib.models.create({ name, kind: 'tagger/dieleman' }), lib.models.create({ name: name.toUpperCase(), kind: 'tagger/dieleman' }), lib.models.create({ name, kind: 'wavenet/mulaw' })]
    expect(ids.map((id) => lib.models.get(id)!.name)).toEqual([name, `${name.toUpperCase()} 2`, `${name} 3`])
    expect(lib.models.rename(ids[2]!, `${name} 4`).name).toBe(`${name} 4`)
    expect(() => lib.models.rename(ids[2]!, name)).toThrow(`model name: "${name}" is taken by model ${ids[0]}`)
  })

  it('a name over the limit is cut so that its number still fits', () => {
    t = tempLibrary()
    const { lib } = t
    const long = `VAE on ${'x'.repeat(300)}`
    const a = lib.models.get(lib.models.create({ name: long, kind: 'vae/mlp' }))!.name
    const b = lib.models.get(lib.models.create({ name: long, kind: 'vae/mlp' }))!.name
    expect([a.length, b.length, b.endsWith(' 2'), b.startsWith(a.slice(0, 190))]).toEqual([200, 200, true, true])
  })

  it('names that a list shows alike are one name: the same letters in another Unicode form (é as e + accent, full-width, ligatures), any case, for datasets, models and presets', () => {
    t = tempLibrary()
    const { lib } = t
    const composed = 'Caf\u00e9 voices'
    const decomposed = 'Cafe\u0301 VOICES'
    const dataset = lib.datasets.upsert({ kind: 'vctk', name: composed, rootPath: '/v1' })
    const other = lib.datasets.upsert({ kind: 'vctk', name: 'other', rootPath: '/v2' })
    expect(() => lib.datasets.rename(other, decomposed)).toThrow(`dataset name: "${decomposed}" is taken by dataset ${dataset}`)
    // A new dataset's default name is made unique by the same key.
    expect(lib.datasets.get(lib.datasets.upsert({ kind: 'vctk', name: decomposed, rootPath: '/v3' }))!.name).toBe(`${decomposed} 2`)
    const model = lib.models.create({ name: '\uff37aveNet', kind: 'wavenet/mulaw' })
    expect(lib.models.get(lib.models.create({ name: 'WaveNet', kind: 'wavenet/mulaw' }))!.name).toBe('WaveNet 2')
    expect(() => lib.models.rename(lib.models.create({ name: 'x', kind: 'wavenet/mulaw' }), 'wavenet')).toThrow(`model name: "wavenet" is taken by model ${model}`)
    const chain = lib.presets.get(lib.presets.add({ name: '\ufb01lter', chain: neutralChain() }))!
    expect(() => lib.presets.add({ name: 'FILTER', chain: neutralChain() })).toThrow(`preset name: "FILTER" is taken by preset ${chain.id}`)
  })

  it('a name of nothing visible (a zero-width space, a no-break space, a direction mark) is empty; one that differs only by such a character is taken', () => {
    t = tempLibrary()
    const { lib } = t
    const id = lib.datasets.upsert({ kind: 'vctk', name: 'voices', rootPath: '/v' })
    for (const name of ['\u200b', '\u00a0\u200e', '\u2060 \ufeff']) expect(() => lib.datasets.rename(id, name)).toThrow('dataset name: empty')
    expect(lib.datasets.rename(id, '\u200bvoices 2').name).toBe('\u200bvoices 2')
    // Shown alike, so taken.
    const other = lib.datasets.upsert({ kind: 'vctk', name: 'other', rootPath: '/o' })
    expect(() => lib.datasets.rename(other, 'voices\u200d 2')).toThrow(`dataset name: "voices\u200d 2" is taken by dataset ${id}`)
  })
})
