import { parseArgs } from 'node:util'
import { commands } from './commands/index'
import { CliUsageError, type Command, type CommandContext } from './command'
import { stderrProgress } from './progress'
import { describeError } from '../util/errors'

/** Flags every command accepts. */
const commonOptions = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return [
    'usage: npm run cli -- <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Add -h or --help after a command for its usage line.',
    'Add --json for one JSON object as the last line of stdout.'
  ].join('\n')
}

/** Runs one command line; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n')
    return name === undefined ? 1 : 0
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    process.stderr.write(`error: unknown command "${name}"\n${usage()}\n`)
    return 2
  }
  let ctx: CommandContext
  try {
    ctx = makeContext(command, rest)
  } catch (err) {
    process.stderr.write(`error: ${describeError(err)}\nusage: ${command.usage}\n`)
    return 2
  }
  if (ctx.values.help === true) {
    process.stdout.write(`usage: ${command.usage}\n${command.summary}\n`)
    return 0
  }
  try {
    const result = await command.run(ctx)
    if (ctx.json) process.stdout.write(JSON.stringify(result) + '\n')
    return 0
  } catch (err) {
    if (err instanceof CliUsageError) {
      process.stderr.write(`error: ${err.message}\nusage: ${command.usage}\n`)
      return 2
    }
    process.stderr.write(`error: ${describeError(err)}\n`)
    if (process.env.EB_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`)
    return 1
  }
}

/**
 * Refuses `--loudness -16`, `--name -x` and `--name --json` before parseArgs does: Node's parser
 * reads a value that starts with '-' as a flag and says only "argument is ambiguous", which does not
 * tell a user what to type. A value meant to start with '-' is written `--name=-x`; a flag (or `--`)
 * right after a flag that takes a value means the value was left out. A lone '-' is a value.
 */
function checkDashValues(options: Command['options'], args: string[]): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--') return
    const name = arg.startsWith('--') ? arg.slice(2) : undefined
    if (name === undefined || options[name]?.type !== 'string') continue
    const next = args[i + 1]
    if (next === undefined || !next.startsWith('-') || next === '-') continue
    if (Number.isFinite(Number(next))) throw new CliUsageError(`--${name}: write --${name}=${next} for a negative value`)
    const known = next === '--' || (next.startsWith('--') ? Object.hasOwn(options, next.slice(2).split('=')[0]!) : Object.values(options).some((o) => o.short === next.slice(1)))
    throw new CliUsageError(known ? `--${name}: no value given (${next} follows it)` : `--${name}: write --${name}=${next} for a value that starts with -`)
  }
}

/**
 * Refuses a single-valued option given more than once (`--loudness=-16 --loudness=-14`): parseArgs keeps
 * the last silently, which hides a typo or a script's doubled flag. Options declared `multiple` repeat
 * by design; a repeated boolean means the same thing each time and is let through.
 */
function checkRepeated(options: Command['options'], tokens: NonNullable<ReturnType<typeof parseArgs>['tokens']>): void {
  const seen = new Map<string, string[]>()
  for (const t of tokens) {
    if (t.kind !== 'option' || options[t.name]?.type !== 'string' || options[t.name]?.multiple === true) continue
    seen.set(t.name, [...(seen.get(t.name) ?? []), t.value ?? ''])
  }
  for (const [name, given] of seen) {
    if (given.length > 1) throw new CliUsageError(`--${name}: given ${given.length === 2 ? 'twice' : `${given.length} times`} (${given.map((v) => JSON.stringify(v)).join(', ')}); give it once`)
  }
}

function makeContext(command: Command, args: string[]): CommandContext {
  const options = { ...commonOptions, ...command.options }
  checkDashValues(options, args)
  const { values, positionals, tokens } = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true })
  checkRepeated(options, tokens)
  const range = command.positionals ?? { min: 0, max: 0 }
  if (values.help !== true && (positionals.length < range.min || positionals.length > range.max)) {
    throw new CliUsageError(
      range.max === 0
        ? `unexpected argument "${positionals[0]}"`
        : `expected ${range.min === range.max ? range.min : `${range.min}-${range.max}`} argument${range.max === 1 ? '' : 's'}, got ${positionals.length}`
    )
  }
  const json = values.json === true
  return {
    values: values as CommandContext['values'],
    positionals,
    json,
    print: (line) => {
      if (!json) process.stdout.write(line + '\n')
    },
    progress: stderrProgress
  }
}

const isEntry = process.argv[1] !== undefined && /cli[\\/]index\.(ts|js|mjs)$/.test(process.argv[1])
if (isEntry) {
  // A reader that stops early (`| head`) closes the pipe: the rest of the output has nowhere to go,
  // which is the user's choice, not an error. The command still finishes (its files are written).
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err
  })
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (err: unknown) => {
      process.stderr.write(`error: ${describeError(err)}\n`)
      process.exitCode = 1
    }
  )
}
