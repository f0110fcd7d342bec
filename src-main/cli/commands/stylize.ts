import { renderStyle } from '../../api/style'
import { closeJobPool } from '../../api/jobs'
import type { StyleMethod, StylizeOptions } from '../../engine/style/types'
import { CliUsageError, numberFlag, stringFlag, type Command, type CommandContext } from '../command'
import { printReport } from './style-report'
import { dataDirOption, positiveIntFlag } from './data-dir'

/** `stylize`: one offline style transfer through the job pool, with a progress bar and metrics. */
export const stylizeCommand: Command = {
  name: 'stylize',
  summary: 'Transfer the style of one recording onto another (texture, gram, or activation on a trained tagger)',
  usage:
    'stylize --content <file> --style <file> --out <file.wav> [--method texture|gram|activation] [--iterations N] [--content-weight X] [--style-weight X] [--filters N] [--threads N] [--seed N] [--optimizer lbfgs|adam] [--line-search none|wolfe] [--init content|noise] [--phase-init content|random] [--model ID] [--checkpoint ID] [--content-layers A,B] [--style-layers A,B] [--data-dir D] [--backend NAME] [--json]',
  options: {
    content: { type: 'string' },
    style: { type: 'string' },
    out: { type: 'string' },
    method: { type: 'string' },
    iterations: { type: 'string' },
    'content-weight': { type: 'string' },
    'style-weight': { type: 'string' },
    filters: { type: 'string' },
    threads: { type: 'string' },
    seed: { type: 'string' },
    optimizer: { type: 'string' },
    'line-search': { type: 'string' },
    init: { type: 'string' },
    'phase-init': { type: 'string' },
    model: { type: 'string' },
    checkpoint: { type: 'string' },
    'content-layers': { type: 'string' },
    'style-layers': { type: 'string' },
    ...dataDirOption,
    backend: { type: 'string' }
  },
  async run(ctx) {
    const contentPath = required(ctx, 'content')
    const stylePath = required(ctx, 'style')
    const outPath = required(ctx, 'out')
    const options = readStyleOptions(ctx)
    const backend = stringFlag(ctx, 'backend')
    if (backend !== undefined) process.env.EB_BACKEND = backend
    const bar = ctx.progress('stylize', 1)
    try {
      const { report } = await renderStyle(
        { contentPath, stylePath, outPath, options, ...optionalDataDir(ctx) },
        {
          onProgress: (p) => {
            bar.setTotal(p.total)
            bar.update(p.step, {
              ...(p.phase !== undefined && { phase: p.phase }),
              ...(p.loss !== undefined && { loss: p.loss })
            }, p.etaMs)
          }
        }
      )
      bar.stop()
      printReport(ctx, outPath, report)
      return { out: outPath, ...report }
    } finally {
      bar.stop()
      await closeJobPool()
    }
  }
}

/** Reads a string flag that must be given. */
export function required(ctx: CommandContext, name: string): string {
  const v = stringFlag(ctx, name)
  if (v === undefined || v === '') throw new CliUsageError(`--${name} is required`)
  return v
}

/** Reads the style flags shared by `stylize` and `demo`. */
export function readStyleOptions(ctx: CommandContext): StylizeOptions {
  const method = stringFlag(ctx, 'method')
  if (method !== undefined && method !== 'texture' && method !== 'gram' && method !== 'activation') {
    throw new CliUsageError(`--method: "${method}" is not one of texture, gram, activation`)
  }
  const optimizer = stringFlag(ctx, 'optimizer')
  if (optimizer !== undefined && optimizer !== 'lbfgs' && optimizer !== 'adam') {
    throw new CliUsageError(`--optimizer: "${optimizer}" is not one of lbfgs, adam`)
  }
  const opts: StylizeOptions = {}
  if (method !== undefined) opts.method = method as StyleMethod
  if (optimizer !== undefined) opts.optimizer = optimizer
  const lineSearch = stringFlag(ctx, 'line-search')
  if (lineSearch !== undefined && lineSearch !== 'none' && lineSearch !== 'wolfe') {
    throw new CliUsageError(`--line-search: "${lineSearch}" is not one of none, wolfe`)
  }
  if (lineSearch !== undefined) opts.lineSearch = lineSearch
  const init = stringFlag(ctx, 'init')
  if (init !== undefined) opts.init = init as StylizeOptions['init']
  const phaseInit = stringFlag(ctx, 'phase-init')
  if (phaseInit !== undefined) opts.phaseInit = phaseInit as StylizeOptions['phaseInit']
  const num = (flag: string, key: keyof StylizeOptions): void => {
    const v = numberFlag(ctx, flag)
    if (v !== undefined) (opts as Record<string, number>)[key] = v
  }
  num('iterations', 'iterations')
  num('content-weight', 'contentWeight')
  num('style-weight', 'styleWeight')
  num('filters', 'filters')
  num('threads', 'threads')
  num('seed', 'seed')
  const backend = stringFlag(ctx, 'backend')
  if (backend !== undefined) opts.backend = backend
  readTaggerOptions(ctx, opts)
  return opts
}

/** The activation method's flags: which tagger (--model or --checkpoint) and which layers. */
function readTaggerOptions(ctx: CommandContext, opts: StylizeOptions): void {
  const model = positiveIntFlag(ctx, 'model')
  const checkpoint = positiveIntFlag(ctx, 'checkpoint')
  const layers = (flag: string): string[] | undefined => stringFlag(ctx, flag)?.split(',').map((n) => n.trim())
  const contentLayers = layers('content-layers')
  const styleLayers = layers('style-layers')
  const given = [model && '--model', checkpoint && '--checkpoint', contentLayers && '--content-layers', styleLayers && '--style-layers'].filter(Boolean)
  if (given.length > 0 && opts.method !== 'activation') throw new CliUsageError(`${given[0]} applies to --method activation only`)
  if (model !== undefined) opts.model = model
  if (checkpoint !== undefined) opts.checkpoint = checkpoint
  if (contentLayers !== undefined) opts.contentLayers = contentLayers
  if (styleLayers !== undefined) opts.styleLayers = styleLayers
}

function optionalDataDir(ctx: CommandContext): { dataDir?: string } {
  const dataDir = stringFlag(ctx, 'data-dir')
  return dataDir === undefined ? {} : { dataDir }
}
