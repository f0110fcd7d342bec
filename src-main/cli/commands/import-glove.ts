import type { Command } from '../command'
import { importGloveDataset } from '../../api/datasets'
import { dataDirOption, importProgress, withCommandLibrary } from './data-dir'

/** `import-glove <file>`: check a GloVe vectors file and register it for text conditioning. */
export const importGloveCommand: Command = {
  name: 'import-glove',
  summary: 'Check a GloVe vectors file (glove.*.txt) and register it in the library',
  usage: 'import-glove <file> [--data-dir D] [--json]',
  options: { ...dataDirOption },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    return withCommandLibrary(ctx, async (lib) => {
      const progress = importProgress(ctx, 'import-glove')
      try {
        const r = await importGloveDataset(lib, ctx.positionals[0]!, progress.onProgress)
        progress.stop()
        ctx.print(`GloVe ${r.file}: ${r.words} words of dimension ${r.dim}${r.duplicates ? ` (${r.duplicates} repeated words ignored)` : ''}`)
        return { ...r }
      } finally {
        progress.stop()
      }
    })
  }
}
