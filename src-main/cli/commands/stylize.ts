import { resolve } from 'node:path'
import { renderStyle } from '../../api/style'
import { closeJobPool } from '../../api/jobs'
import { withLibrary } from '../../api/library'
import { STAGES, type StageName } from '../../engine/effects/chain'
import type { StyleMethod, StylizeOptions, StylizeReport } from '../../engine/style/types'
import { CliUsageError, numberFlag, stringFlag, type Command, type CommandContext } from '../command'
import { checkOutputPath } from '../output-path'
import { printReport } from './style-report'
import { dataDirOption, positiveIntFlag } from './data-dir'

const METHODS: readonly StyleMethod[] = ['texture', 'gram', 'activation', 'match', 'wavenet']

/** `stylize`: one offline style transfer through the job pool, with a progress bar and metrics. */
export const stylizeCommand: Command = {
  name: 'stylize',
  summary: 'Transfer the style of one recording onto another (texture, gram, activation on a trained tagger, match: a fitted vocal effect chain, or wavenet: coordinate descent through a trained WaveNet)',
  usage:
    'stylize --content <file> --style <file> --out <file.wav> [--method texture|gram|activation|match|wavenet] [--match-stages eq,compressor,saturation,reverb] [--wavenet-block B] [--wavenet-sweeps N] [--speaker CODE] [--loudness LUFS] [--true-peak DBTP] [--iterations N] [--content-weight X] [--style-weight X] [--filters N] [--threads N] [--seed N] [--optimizer lbfgs|adam] [--line-search none|wolfe] [--init content|noise] [--phase-init content|random] [--model ID] [--checkpoint ID] [--content-layers A,B] [--style-layers A,B] [--data-dir D] [--backend NAME] [--json]',
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
    'match-stages': { type: 'string' },
    loudness: { type: 'string' },
    'true-peak': { type: 'string' },
    'wavenet-block': { type: 'string' },
    'wavenet-sweeps': { type: 'string' },
    speaker: { type: 'string' },
    ...dataDirOption,
    backend: { type: 'string' }
  },
  async run(ctx) {
    const contentPath = required(ctx, 'content')
    const stylePath = required(ctx, 'style')
    const outPath = required(ctx, 'out')
    const options = readStyleOptions(ctx)
    await checkOutputPath(outPath, [contentPath, stylePath])
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
      const renderId = report.chain ? await recordChainRender(ctx, contentPath, stylePath, outPath, options, report) : undefined
      return { out: outPath, ...(renderId !== undefined && { renderId }), ...report }
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
  if (method !== undefined && !(METHODS as readonly string[]).includes(method)) {
    throw new CliUsageError(`--method: "${method}" is not one of ${METHODS.join(', ')}`)
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
  readMatchOptions(ctx, opts)
  readWavenetOptions(ctx, opts)
  return opts
}

/** The wavenet method's own flags: block size, sweeps, speaker (its steps per block are --iterations). */
function readWavenetOptions(ctx: CommandContext, opts: StylizeOptions): void {
  const block = positiveIntFlag(ctx, 'wavenet-block')
  const sweeps = positiveIntFlag(ctx, 'wavenet-sweeps')
  const speaker = stringFlag(ctx, 'speaker')
  const given = [block !== undefined && '--wavenet-block', sweeps !== undefined && '--wavenet-sweeps', speaker !== undefined && '--speaker'].filter(Boolean)
  if (given.length > 0 && opts.method !== 'wavenet') throw new CliUsageError(`${given[0]} applies to --method wavenet only`)
  if (block !== undefined) opts.wavenetBlock = block
  if (sweeps !== undefined) opts.wavenetSweeps = sweeps
  if (speaker !== undefined) opts.speaker = speaker
}

/** The match method's flags: which stages to fit, the output loudness and the true-peak ceiling. */
function readMatchOptions(ctx: CommandContext, opts: StylizeOptions): void {
  const stages = stringFlag(ctx, 'match-stages')
  const loudness = numberFlag(ctx, 'loudness')
  const truePeak = numberFlag(ctx, 'true-peak')
  const given = [stages !== undefined && '--match-stages', loudness !== undefined && '--loudness', truePeak !== undefined && '--true-peak'].filter(Boolean)
  if (given.length > 0 && opts.method !== 'match') throw new CliUsageError(`${given[0]} applies to --method match only`)
  if (stages !== undefined) {
    const names = stages.split(',').map((n) => n.trim())
    const bad = names.find((n) => !(STAGES as readonly string[]).includes(n))
    if (bad !== undefined) throw new CliUsageError(`--match-stages: "${bad}" is not one of ${STAGES.join(', ')}`)
    opts.matchStages = names as StageName[]
  }
  // The chain's own ranges (engine/effects/chain.ts PARAM_RANGES output.*).
  if (loudness !== undefined && !(loudness >= -60 && loudness <= 0)) throw new CliUsageError(`--loudness: ${loudness} LUFS is outside -60..0`)
  if (truePeak !== undefined && !(truePeak >= -20 && truePeak <= 0)) throw new CliUsageError(`--true-peak: ${truePeak} dBTP is outside -20..0`)
  if (loudness !== undefined) opts.loudness = loudness
  if (truePeak !== undefined) opts.truePeak = truePeak
}

/** Records a render that fitted a chain, so `presets save --render ID` can keep it; returns its id. */
async function recordChainRender(ctx: CommandContext, content: string, style: string, out: string, options: StylizeOptions, report: StylizeReport): Promise<number> {
  const id = await withLibrary(stringFlag(ctx, 'data-dir'), (lib) =>
    lib.renders.add({
      method: report.method,
      inputs: { content: resolve(content), style: resolve(style) },
      params: { options: { ...options }, report: { ...report } },
      outputPath: resolve(out),
      metrics: { styleDistanceContent: report.styleDistance.content, styleDistanceOutput: report.styleDistance.output, contentDistance: report.contentDistance }
    })
  )
  ctx.print(`  recorded as render ${id} (keep its chain: presets save --render ${id} --name NAME)`)
  return id
}

/** The flags of the methods that read a trained model (activation: a tagger; wavenet: a WaveNet): which model (--model or --checkpoint) and which layers. */
function readTaggerOptions(ctx: CommandContext, opts: StylizeOptions): void {
  const model = positiveIntFlag(ctx, 'model')
  const checkpoint = positiveIntFlag(ctx, 'checkpoint')
  const layers = (flag: string): string[] | undefined => stringFlag(ctx, flag)?.split(',').map((n) => n.trim())
  const contentLayers = layers('content-layers')
  const styleLayers = layers('style-layers')
  const given = [model && '--model', checkpoint && '--checkpoint', contentLayers && '--content-layers', styleLayers && '--style-layers'].filter(Boolean)
  if (given.length > 0 && opts.method !== 'activation' && opts.method !== 'wavenet') throw new CliUsageError(`${given[0]} applies to --method activation or wavenet only`)
  if (model !== undefined) opts.model = model
  if (checkpoint !== undefined) opts.checkpoint = checkpoint
  if (contentLayers !== undefined) opts.contentLayers = contentLayers
  if (styleLayers !== undefined) opts.styleLayers = styleLayers
}

function optionalDataDir(ctx: CommandContext): { dataDir?: string } {
  const dataDir = stringFlag(ctx, 'data-dir')
  return dataDir === undefined ? {} : { dataDir }
}
