import { join } from 'node:path'
import { Library } from '../../../src-main/library/library'
import { classifyError } from '../classify'
import { runCli } from '../cli-door'
import { copyLibrary, hashLibrary, integrityProblem } from './library-state'
import { judged, refusal, type Verdict } from './verdict'

/** A dataset written to disk for one importer case, with what a correct import must show. */
export interface PreparedImport {
  /** The import command and its arguments (--data-dir and --json are added). */
  argv: string[]
  /** Paths a clean error may name (the folder, the file). */
  names: string[]
  /** The dataset is still valid: the import must succeed (and `check` says with what). */
  valid: boolean
  /** WRONG reasons for a successful import, from the library and the --json report. */
  check(lib: Library, report: Record<string, unknown>): Promise<string[]>
}

/**
 * Runs one import through the real CLI against a copy of the base library: integrity_check after
 * every case; a failed import must leave the library's bytes as they were (library-state.ts).
 */
export async function runImport(prep: PreparedImport, baseLib: string, caseDir: string): Promise<Verdict> {
  const libDir = join(caseDir, 'library')
  copyLibrary(baseLib, libDir)
  const before = hashLibrary(libDir)
  const cli = await runCli([...prep.argv, '--data-dir', libDir, '--json'])
  const after = hashLibrary(libDir)
  const integrity = integrityProblem(libDir)
  let verdict: Verdict
  if (cli.code !== 0) {
    verdict =
      cli.thrown === undefined
        ? { outcome: 'CRASH', detail: `exit ${cli.code} without an error from the command: ${cli.stderr.join(' | ')}` }
        : refusal(classifyError(cli.thrown, [...prep.names, libDir]), cli, prep.valid)
    if (before !== after) verdict.integrityFailure = 'a failed import changed library.sqlite'
  } else if (cli.stderr.length > 0) {
    verdict = { outcome: 'CRASH', detail: `stderr chatter on success: ${cli.stderr.slice(0, 3).join(' | ')}` }
  } else if (!cli.json) {
    verdict = { outcome: 'WRONG', detail: 'exit 0 without a --json report' }
  } else {
    const lib = Library.open(libDir)
    try {
      verdict = judged(await prep.check(lib, cli.json), summary(cli.json))
    } finally {
      lib.close()
    }
  }
  if (integrity) verdict.integrityFailure = [verdict.integrityFailure, integrity].filter(Boolean).join('; ')
  return verdict
}

function summary(r: Record<string, unknown>): string {
  return Object.entries(r)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')
}
