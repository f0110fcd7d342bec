/*
 * Runs a real CLI command line in-process (src-main/cli main(), as `npm run cli` does), with its
 * output captured and the error the command threw kept: main() prints only an error's first line,
 * so its type and full message are taken by wrapping each command's run().
 */
import { main } from '../../src-main/cli/index'
import { commands } from '../../src-main/cli/commands/index'
import { takeOutput, userLines } from './capture'

/** One command line's result. */
export interface CliRun {
  code: number
  stdout: string[]
  /** stderr lines a user sees (progress bars left out). */
  stderr: string[]
  /** What the command threw, if anything. */
  thrown?: unknown
  /** The --json result (last stdout line), when there was one. */
  json?: Record<string, unknown>
}

let thrown: unknown
let wrapped = false

function wrapCommands(): void {
  if (wrapped) return
  wrapped = true
  for (const c of commands) {
    const run = c.run.bind(c)
    c.run = async (ctx) => {
      try {
        return await run(ctx)
      } catch (err) {
        thrown = err
        throw err
      }
    }
  }
}

/** Runs `argv` (command name first) through the CLI's main(). */
export async function runCli(argv: string[]): Promise<CliRun> {
  wrapCommands()
  thrown = undefined
  takeOutput()
  const code = await main(argv)
  const { stdout, stderr } = takeOutput()
  const out = userLines(stdout)
  let json: Record<string, unknown> | undefined
  if (argv.includes('--json') && code === 0) {
    try {
      json = JSON.parse(out[out.length - 1] ?? '') as Record<string, unknown>
    } catch {
      json = undefined
    }
  }
  return { code, stdout: out, stderr: userLines(stderr), thrown, json }
}
