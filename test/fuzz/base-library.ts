/*
 * The library every importer case starts from: the pristine fixture datasets imported once per
 * child process, at fixed "home" paths. A case that writes its dataset back to the home path
 * re-imports over existing rows; one that writes elsewhere imports a new dataset. Both start from
 * a copy of this library, so a failed import has something to leave untouched.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from './cli-door'
import { pristineGlove } from './importers/glove'
import { pristineMnist } from './importers/mnist'
import { pristineMtat } from './importers/mtat'
import { pristineVctk } from './importers/vctk'

/** Where the base library and the home datasets live, and the pristine import reports. */
export interface BaseLibrary {
  libDir: string
  home: { mtat: string; vctk080: string; vctk092: string; mnist: string; glove: string }
  reports: Record<string, Record<string, unknown>>
}

/** Builds the base library under `work`, throwing if any pristine import fails (a broken harness or fixture). */
export async function buildBaseLibrary(work: string): Promise<BaseLibrary> {
  const libDir = join(work, 'base-library')
  const root = join(work, 'home')
  mkdirSync(root, { recursive: true })
  const home = { mtat: join(root, 'mtat'), vctk080: join(root, 'vctk080'), vctk092: join(root, 'vctk092'), mnist: join(root, 'mnist'), glove: join(root, 'glove') }
  const lines: Record<string, string[]> = {
    mtat: pristineMtat(home.mtat),
    vctk080: pristineVctk(home.vctk080, false),
    vctk092: pristineVctk(home.vctk092, true),
    mnist: pristineMnist(home.mnist),
    glove: pristineGlove(home.glove)
  }
  const reports: BaseLibrary['reports'] = {}
  for (const [name, argv] of Object.entries(lines)) {
    const r = await runCli([...argv, '--data-dir', libDir, '--json'])
    if (r.code !== 0 || !r.json) throw new Error(`fuzz base library: pristine ${name} import failed: ${r.stderr.join(' | ')}`)
    reports[name] = r.json
  }
  return { libDir, home, reports }
}
