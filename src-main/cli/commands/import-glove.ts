import type { Command } from '../command'
import { stringFlag } from '../command'
import { importDatasetFolder } from '../../api/dataset-import'
import { dataDirOption, importProgress, withCommandLibrary } from './data-dir'

/** `import-glove <file>`: check a GloVe vectors file and register it for text conditioning. */
export const importGloveCommand: Command = {
  name: 'import-glove',
  summary: 'Check a GloVe vectors file (glove.*.txt) and register it in the library',
  usage: 'import-glove <file> [--name N] [--data-dir D] [--json]',
  options: { ...dataDirOption, name: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    return withCommandLibrary(ctx, async (lib) => {
      const progress = importProgress(ctx, 'import-glove')
      try {
        const r = (await importDatasetFolder(lib, { kind: 'glove', path: ctx.positionals[0]!, name: stringFlag(ctx, 'name') }, { onProgress: progress.onProgress })).imported.report
        progress.stop()
        ctx.print(`GloVe ${r.file}: ${r.words} words of dimension ${r.dim}${r.duplicates ? ` (${r.duplicates} repeated words ignored)` : ''}`)
        return { ...r }
      } finally {
        progress.stop()
      }
    })
  }
}
