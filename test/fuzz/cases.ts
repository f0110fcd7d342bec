/*
 * Turns `seed:index` into one concrete case: the target (weighted), the seed file, the mutation
 * (uniform among those that fit), the target's options. Everything comes from the case's own RNG,
 * so any case replays alone.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BaseLibrary } from './base-library'
import { gloveCase } from './importers/glove'
import { mnistCase } from './importers/mnist'
import { mtatCase } from './importers/mtat'
import { vctkCase } from './importers/vctk'
import type { ImportCase } from './importers/context'
import { audioMutations } from './mutations/audio'
import type { AudioKind, Mutated, Seed } from './mutations/types'
import type { Target } from './outcome'
import { caseSeed, fuzzRng, type FuzzRng } from './random'
import { convertOptions } from './targets/convert'

/** How often each target comes up: the decoder doors most, each importer about a tenth. */
const WEIGHTS: [Target, number][] = [
  ['info', 30],
  ['convert', 14],
  ['stylize-load', 10],
  ['import-mtat', 12],
  ['import-vctk', 14],
  ['import-mnist', 10],
  ['import-glove', 10]
]

const EXT: Record<AudioKind, string> = { wav: '.wav', flac: '.flac', mp3: '.mp3', ogg: '.ogg' }

/** An audio case: the mutated file on disk and what it was made from. */
export interface AudioCase {
  kind: 'audio'
  target: 'info' | 'convert' | 'stylize-load'
  seed: Seed<AudioKind>
  mutation: string
  mutated: Mutated
  path: string
  options: string[]
}

/** An importer case. */
export interface ImporterCase extends ImportCase {
  kind: 'import'
  target: Target
}

function pickTarget(rng: FuzzRng): Target {
  let r = rng.int(WEIGHTS.reduce((s, [, w]) => s + w, 0))
  for (const [t, w] of WEIGHTS) if ((r -= w) < 0) return t
  return 'info'
}

function audioCase(target: AudioCase['target'], rng: FuzzRng, seeds: Seed<AudioKind>[], dir: string): AudioCase {
  for (;;) {
    const seed = rng.pick(seeds)
    const m = rng.pick(audioMutations.filter((x) => x.kinds.includes(seed.kind)))
    const mutated = m.apply(seed.bytes, rng)
    if (!mutated) continue
    const path = join(dir, `input${EXT[seed.kind]}`)
    writeFileSync(path, mutated.bytes)
    const options = target === 'convert' ? convertOptions(rng) : target === 'stylize-load' ? [rng.pick(['texture', 'gram'])] : []
    return { kind: 'audio', target, seed, mutation: m.name, mutated, path, options }
  }
}

function importerCase(target: Target, rng: FuzzRng, base: BaseLibrary, dir: string): ImporterCase {
  for (;;) {
    // Half the cases re-import over the base library's own copy, half import a new folder.
    const reimport = rng.chance(0.5)
    const place = (home: string, name: string): string => (reimport ? home : join(dir, name))
    let c: ImportCase | null
    if (target === 'import-mtat') c = mtatCase({ rng, datasetDir: place(base.home.mtat, 'mtat'), base: base.reports.mtat })
    else if (target === 'import-vctk') {
      const v092 = rng.chance(0.5)
      c = vctkCase({ rng, v092, datasetDir: place(v092 ? base.home.vctk092 : base.home.vctk080, 'vctk'), base: base.reports[v092 ? 'vctk092' : 'vctk080'] })
    } else if (target === 'import-mnist') c = mnistCase({ rng, datasetDir: place(base.home.mnist, 'mnist') })
    else c = gloveCase({ rng, datasetDir: place(base.home.glove, 'glove') })
    if (c) return { ...c, kind: 'import', target, note: `${c.note}${reimport ? ' (re-import)' : ''}` }
  }
}

/** Builds case `index` of campaign `seed` in `dir`. */
export function makeCase(seed: number, index: number, seeds: Seed<AudioKind>[], base: BaseLibrary, dir: string): AudioCase | ImporterCase {
  mkdirSync(dir, { recursive: true })
  const rng = fuzzRng(caseSeed(seed, index))
  const target = pickTarget(rng)
  return target === 'info' || target === 'convert' || target === 'stylize-load' ? audioCase(target, rng, seeds, dir) : importerCase(target, rng, base, dir)
}
