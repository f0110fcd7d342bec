import type { CommandContext, CommandOptions } from '../command'
import { CliUsageError, stringFlag } from '../command'
import { withLibrary } from '../../api/library'
import type { Library } from '../../library/library'
import type { ProgressCallback } from '../../datasets/progress'
import { countReasons, type UnusableClip } from '../../datasets/validity'
import type { ProgressReporter } from '../progress'

/** The --data-dir flag every library command takes (else EB_DATA_DIR, else the app-data folder). */
export const dataDirOption: CommandOptions = { 'data-dir': { type: 'string' } }

/** Runs `fn` over the library of the command's data directory, closing it afterwards. */
export function withCommandLibrary<T>(ctx: CommandContext, fn: (lib: Library) => T | Promise<T>): Promise<T> {
  return withLibrary(stringFlag(ctx, 'data-dir'), fn)
}

/** An import progress callback drawing one stderr bar per phase; call stop() when done. */
export function importProgress(ctx: CommandContext, label: string): { onProgress: ProgressCallback; stop(): void } {
  let bar: ProgressReporter | undefined
  let phase = ''
  return {
    onProgress(p) {
      if (p.phase !== phase) {
        bar?.stop()
        phase = p.phase
        bar = ctx.progress(`${label} ${p.phase}`, p.total)
      }
      bar!.update(p.done)
    },
    stop() {
      bar?.stop()
    }
  }
}

/** Reads a positive integer flag (a count or a limit). */
export function positiveIntFlag(ctx: CommandContext, name: string): number | undefined {
  const raw = stringFlag(ctx, name)
  if (raw === undefined) return undefined
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new CliUsageError(`--${name}: "${raw}" is not a positive whole number`)
  return Number(raw)
}

/** "2 unusable: 1 file is empty, 1 not a recognised audio file" (or "0 unusable"), for an import's summary. */
export function unusableSummary(unusable: readonly UnusableClip[]): string {
  return `${unusable.length} unusable${unusable.length ? `: ${countReasons(unusable.map((u) => u.reason))}` : ''}`
}

/** Unusable clips listed one a line beyond the summary: enough to find them, not a flood (--json has all). */
const UNUSABLE_LINES = 20

/** Prints each unusable clip with its reason and path, the first UNUSABLE_LINES of them. */
export function printUnusable(ctx: CommandContext, unusable: readonly UnusableClip[]): void {
  for (const u of unusable.slice(0, UNUSABLE_LINES)) ctx.print(`  unusable ${u.clip} ${u.path}: ${u.reason}`)
  if (unusable.length > UNUSABLE_LINES) ctx.print(`  ... and ${unusable.length - UNUSABLE_LINES} more (--json lists them all)`)
}
