import type { Command } from '../command'
import { importVctkDataset } from '../../api/datasets'
import { dataDirOption, importProgress, withCommandLibrary } from './data-dir'

/** `import-vctk <dir>`: VCTK speakers (gender, accent) and utterances with transcripts into the library. */
export const importVctkCommand: Command = {
  name: 'import-vctk',
  summary: 'Import a VCTK folder (speaker-info.txt, wav48/ or wav48_silence_trimmed/, txt/) into the library',
  usage: 'import-vctk <dir> [--data-dir D] [--json]',
  options: { ...dataDirOption },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    return withCommandLibrary(ctx, (lib) => {
      const progress = importProgress(ctx, 'import-vctk')
      let r
      try {
        r = importVctkDataset(lib, ctx.positionals[0]!, { onProgress: progress.onProgress })
      } finally {
        progress.stop()
      }
      ctx.print(`imported ${r.clips} clips (${r.withTranscript} with transcript) from ${r.root} [${r.layout}]`)
      ctx.print(`speakers: ${r.speakers} (${r.female} F, ${r.male} M)`)
      for (const s of r.skippedLines) ctx.print(`  speaker-info.txt line ${s.line} skipped: ${s.reason}`)
      if (r.unlistedSpeakers.length > 0) ctx.print(`  not in speaker-info.txt: ${r.unlistedSpeakers.join(', ')}`)
      return { ...r }
    })
  }
}
