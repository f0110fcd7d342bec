import type { ParseArgsConfig } from 'node:util'
import type { ProgressReporter } from './progress'

/** Options accepted by a command, in node:util parseArgs form. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>

/** What a command receives: parsed flags, positionals, and the ways to talk back. */
export interface CommandContext {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>
  positionals: string[]
  json: boolean
  /** Human-readable line on stdout; suppressed with --json so the last line stays the JSON object. */
  print(line: string): void
  /** A progress bar on stderr for long work. */
  progress(label: string, total: number): ProgressReporter
}

/** One headless command. `run` returns the object printed as the last stdout line under --json. */
export interface Command {
  name: string
  summary: string
  usage: string
  options: CommandOptions
  /** Positional arguments this command takes (checked before run). */
  positionals?: { min: number; max: number }
  run(ctx: CommandContext): Promise<Record<string, unknown>>
}

/** Reads a string flag, or undefined; an empty or blank value is refused (CliUsageError). */
export function stringFlag(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name]
  if (typeof v !== 'string') return undefined
  // An empty value is never meant (a shell variable that was not set): say so rather than name "".
  if (v.trim() === '') throw new CliUsageError(`--${name}: the value is empty`)
  return v
}

/** Reads a numeric flag, rejecting anything that is not a finite number. */
export function numberFlag(ctx: CommandContext, name: string): number | undefined {
  const raw = stringFlag(ctx, name)
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isFinite(n) || raw.trim() === '') throw new CliUsageError(`--${name}: "${raw}" is not a number`)
  return n
}

/** Reads a boolean flag. */
export function boolFlag(ctx: CommandContext, name: string): boolean {
  return ctx.values[name] === true
}

/** Wrong flags or arguments: printed with the command's usage line. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CliUsageError'
  }
}
