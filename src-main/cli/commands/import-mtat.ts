import type { Command } from '../command'
import { boolFlag, numberFlag, stringFlag } from '../command'
import { measureClipDurations } from '../../api/datasets'
import { importDatasetFolder } from '../../api/dataset-import'
import { countReasons } from '../../datasets/validity'
import { dataDirOption, importProgress, printUnusable, unusableSummary, withCommandLibrary } from './data-dir'

/** `import-mtat <dir>`: MagnaTagATune annotations, merged tags, top 50 and the train/valid split into the library. */
export const importMtatCommand: Command = {
  name: 'import-mtat',
  summary: 'Import a MagnaTagATune folder (annotations_final.csv + MP3s) into the library',
  usage: 'import-mtat <dir> [--name N] [--split-file F] [--seed N] [--durations] [--data-dir D] [--json]',
  options: { ...dataDirOption, name: { type: 'string' }, 'split-file': { type: 'string' }, seed: { type: 'string' }, durations: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const seed = numberFlag(ctx, 'seed')
    return withCommandLibrary(ctx, async (lib) => {
      const progress = importProgress(ctx, 'import-mtat')
      let r
      try {
        const job = { kind: 'mtat' as const, path: ctx.positionals[0]!, name: stringFlag(ctx, 'name'), mtat: { splitFile: stringFlag(ctx, 'split-file'), seed } }
        r = (await importDatasetFolder(lib, job, { onProgress: progress.onProgress })).imported.report
      } finally {
        progress.stop()
      }
      ctx.print(`imported ${r.clips} clips from ${r.root} (${r.usable} usable, ${r.missingAudio} without audio, ${unusableSummary(r.unusable)}), ${r.skippedRows.length} rows skipped`)
      printUnusable(ctx, r.unusable)
      for (const s of r.skippedRows) ctx.print(`  skipped line ${s.line}: ${s.reason}`)
      ctx.print(`tags: ${r.rawTags} columns merged into ${r.tags}; top ${r.top50.length}: ${r.top50.join(', ')}`)
      ctx.print(`split (${r.splitSource}) of the usable clips: train ${r.split.train}, valid ${r.split.valid}${r.split.test ? `, test ${r.split.test}` : ''}`)
      if (r.removed > 0) ctx.print(`removed ${r.removed} clips no longer in the CSV`)
      ctx.print(`dataset id ${r.datasetId} (use it as \`train-tagger --dataset ${r.datasetId}\`)`)
      if (!boolFlag(ctx, 'durations')) return { ...r }
      // Decoding every MP3 takes minutes on the full set, so it is asked for, not automatic.
      const bar = importProgress(ctx, 'durations')
      try {
        const d = await measureClipDurations(lib, { datasetId: r.datasetId, onProgress: bar.onProgress })
        ctx.print(`durations: ${d.measured} measured, ${d.failed.length} could not be decoded${d.failed.length ? ` (recorded as unusable: ${countReasons(d.failed.map((f) => f.reason))})` : ''}`)
        printUnusable(ctx, d.failed)
        return { ...r, durations: d }
      } finally {
        bar.stop()
      }
    })
  }
}
