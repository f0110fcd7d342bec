import type { Command } from '../command'
import { CliUsageError, stringFlag } from '../command'
import { importDatasetFolder } from '../../api/dataset-import'
import { countReasons } from '../../datasets/validity'
import type { MicChoice } from '../../datasets/vctk/layout'
import { dataDirOption, importProgress, printUnusable, unusableSummary, withCommandLibrary } from './data-dir'

const MICS: readonly MicChoice[] = ['auto', 'mic1', 'mic2']

/** `import-vctk <dir>`: VCTK speakers (gender, accent) and utterances with transcripts into the library. */
export const importVctkCommand: Command = {
  name: 'import-vctk',
  summary: 'Import a VCTK folder (speaker-info.txt, wav48/ or wav48_silence_trimmed/, txt/) into the library',
  usage: 'import-vctk <dir> [--name N] [--mic mic1|mic2|auto] [--data-dir D] [--json]',
  options: { ...dataDirOption, name: { type: 'string' }, mic: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const mic = (stringFlag(ctx, 'mic') ?? 'auto') as MicChoice
    if (!MICS.includes(mic)) throw new CliUsageError(`--mic: "${mic}" is not mic1, mic2 or auto`)
    return withCommandLibrary(ctx, async (lib) => {
      const progress = importProgress(ctx, 'import-vctk')
      let r
      try {
        const job = { kind: 'vctk' as const, path: ctx.positionals[0]!, name: stringFlag(ctx, 'name'), vctk: { mic } }
        r = (await importDatasetFolder(lib, job, { onProgress: progress.onProgress })).imported.report
      } finally {
        progress.stop()
      }
      ctx.print(`imported ${r.clips} clips (${r.usable} usable, ${unusableSummary(r.unusable)}; ${r.withTranscript} with transcript) from ${r.root} [${r.layout}]`)
      printUnusable(ctx, r.unusable)
      const t = r.takes
      if (t.mic1 + t.mic2 + t.skipped.length > 0) {
        const skipped = t.skipped.length ? `: ${countReasons(t.skipped.map((s) => s.reason))}` : ''
        ctx.print(`takes (--mic ${r.mic}): ${t.mic1} mic1, ${t.mic2} mic2, ${t.skipped.length} skipped${skipped}`)
      }
      ctx.print(`speakers: ${r.speakers} (${r.female} F, ${r.male} M)`)
      for (const s of r.skippedLines) ctx.print(`  speaker-info.txt line ${s.line} skipped: ${s.reason}`)
      if (r.unlistedSpeakers.length > 0) ctx.print(`  not in speaker-info.txt: ${r.unlistedSpeakers.join(', ')}`)
      if (r.removed > 0) ctx.print(`removed ${r.removed} clips no longer in the folder (or not taken with this --mic)`)
      ctx.print(`dataset id ${r.datasetId} (use it as \`clips --dataset ${r.datasetId}\`)`)
      return { ...r }
    })
  }
}
