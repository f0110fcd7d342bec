/** Runs one built case through its target and gives the verdict (child side). */
import { decodeBuffer } from '../../src-main/audio/decode'
import type { BaseLibrary } from './base-library'
import type { AudioCase, ImporterCase } from './cases'
import { shapeOf } from './oracles/audio'
import type { CaseSpec } from './outcome'
import { referenceShape, type Shape } from './reference'
import { runConvert } from './targets/convert'
import { runImport } from './targets/importer'
import { runInfo } from './targets/info'
import { runStylizeLoad } from './targets/stylize-load'
import type { Verdict } from './targets/verdict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The spec a case reports before it runs. */
export function specOf(id: string, c: AudioCase | ImporterCase): CaseSpec {
  if (c.kind === 'import') return { id, target: c.target, mutation: c.mutation, seedFile: c.seedFile, note: c.note }
  const opts = c.options.length > 0 ? ` [${c.options.join(' ')}]` : ''
  return { id, target: c.target, mutation: c.mutation, seedFile: c.seed.name, note: `${c.mutated.note}${opts}` }
}

/** Each seed's own shape: our decode, or the reference's when ours refuses it (valid variants compare to it). */
const seedShapes = new Map<string, Shape | undefined>()

async function seedShape(c: AudioCase, dir: string): Promise<Shape | undefined> {
  if (!seedShapes.has(c.seed.name)) {
    let shape: Shape | undefined
    try {
      shape = shapeOf(await decodeBuffer(c.seed.bytes, c.seed.name))
    } catch {
      const at = join(dir, 'seed-reference')
      mkdirSync(at, { recursive: true })
      const file = join(at, `seed.${c.seed.kind}`)
      writeFileSync(file, c.seed.bytes)
      shape = referenceShape(c.seed.kind, file, at).shape ?? undefined
    }
    seedShapes.set(c.seed.name, shape)
  }
  return seedShapes.get(c.seed.name)
}

/** The verdict of one case. */
export async function execute(c: AudioCase | ImporterCase, dir: string, base: BaseLibrary): Promise<Verdict> {
  if (c.kind === 'import') return runImport(c.prepared, base.libDir, dir)
  const valid = c.mutated.valid === true
  const input = { path: c.path, bytes: c.mutated.bytes, valid, expected: valid ? await seedShape(c, dir) : undefined, dir }
  if (c.target === 'info') return runInfo(input)
  if (c.target === 'convert') return runConvert(input, c.options)
  return runStylizeLoad(input, c.options[0] === 'gram' ? 'gram' : 'texture')
}
