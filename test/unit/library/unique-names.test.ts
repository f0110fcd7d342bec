import { afterEach, describe, expect, it } from 'vitest'
import { tempLibrary } from './helpers'

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
})
