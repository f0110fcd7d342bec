import { CliUsageError, stringFlag, type Command, type CommandContext } from '../command'
import { listModels, type ModelEntry, type TaggerRef } from '../../api/models'
import { createModelLibraryService } from '../../api/model-library'
import type { Library } from '../../library/library'
import { dataDirOption, positiveIntFlag, withCommandLibrary } from './data-dir'

/** The --model / --checkpoint flags of the commands that use a trained model. */
export const modelRefOptions = { model: { type: 'string' }, checkpoint: { type: 'string' } } as const

/**
 * Reads --model, --checkpoint and --data-dir into a service reference. With `required`, one of
 * --model and --checkpoint must be given (a command that writes or scores should not guess).
 */
export function modelRefFlags(ctx: CommandContext, required: boolean): TaggerRef {
  const modelId = positiveIntFlag(ctx, 'model')
  const checkpointId = positiveIntFlag(ctx, 'checkpoint')
  if (required && modelId === undefined && checkpointId === undefined) throw new CliUsageError('--model ID is required (or --checkpoint ID; `models` lists both)')
  const dataDir = stringFlag(ctx, 'data-dir')
  return { ...(modelId !== undefined && { modelId }), ...(checkpointId !== undefined && { checkpointId }), ...(dataDir !== undefined && { dataDir }) }
}

/**
 * The headline validation figure of each model family, in the order looked for: the tagger's
 * validation ROC-AUC (higher is better), the WaveNet's validation cross-entropy in nats per sample
 * and the VAE's test ELBO in nats per example (lower / higher is better).
 */
const HEADLINES = [
  { metric: 'valRocAuc', label: 'best validation ROC-AUC', better: 'max' },
  { metric: 'validNll', label: 'best validation NLL (nats/sample)', better: 'min' },
  { metric: 'testElbo', label: 'best test ELBO (nats)', better: 'max' }
] as const

/** A run's summary beside its records: epochs completed, the best validation ROC-AUC and its family's headline figure. */
export interface RunSummary {
  epochs: number
  bestValRocAuc: number | null
  /** The best value of the first HEADLINES metric its checkpoints carry, or null when none does. */
  best: { metric: string; label: string; value: number } | null
}

function summarise(run: ModelEntry['runs'][number]): RunSummary {
  const epochs = Math.max(0, ...run.checkpoints.map((c) => c.metrics.epoch ?? 0))
  const scores = (metric: string): number[] => run.checkpoints.map((c) => c.metrics[metric]).filter((v): v is number => v !== undefined)
  const roc = scores('valRocAuc')
  const headline = HEADLINES.find((h) => scores(h.metric).length > 0)
  const best = headline ? { metric: headline.metric, label: headline.label, value: (headline.better === 'max' ? Math.max : Math.min)(...scores(headline.metric)) } : null
  return { epochs, bestValRocAuc: roc.length ? Math.max(...roc) : null, best }
}

/** "2024-05-01 12:34" of an ISO time, or "-". */
const when = (iso: string | null): string => (iso === null ? '-' : iso.slice(0, 16).replace('T', ' '))

/** "1.2 MB", "830 kB", or "?" for a size not recorded. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '?'
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`
}

const figure = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(4))

const EDITS = ['rename', 'rm', 'rm-run', 'rm-checkpoint'] as const
type Edit = (typeof EDITS)[number]

/**
 * `models rename|rm|rm-run|rm-checkpoint ID`: the library view's edits through the same service (a
 * taken name and a run still training refused in one line; checkpoint folders removed after the commit).
 */
async function edit(ctx: CommandContext, lib: Library, sub: Edit): Promise<Record<string, unknown>> {
  const raw = ctx.positionals[1]
  const what = sub === 'rm-run' ? 'run' : sub === 'rm-checkpoint' ? 'checkpoint' : 'model'
  if (raw === undefined) throw new CliUsageError(`models ${sub}: give the ${what} id (\`models\` lists them)`)
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new CliUsageError(`models ${sub}: "${raw}" is not a ${what} id`)
  const id = Number(raw)
  // No window listens here, and a CLI runs no training job of its own: the library's run status says what is training.
  const service = createModelLibraryService({ dataDir: lib.dataDir, library: lib, events: { emit: () => undefined, on: () => () => undefined }, trainingRunIds: async () => [] }).handlers
  if (sub === 'rename') {
    const name = stringFlag(ctx, 'name')
    if (name === undefined) throw new CliUsageError('models rename: --name N is required')
    const m = await service.renameModel({ id, name })
    ctx.print(`model ${m.id} renamed "${m.name}"`)
    return { model: m }
  }
  const out = await (sub === 'rm' ? service.deleteModel({ id }) : sub === 'rm-run' ? service.deleteRun({ id }) : service.deleteCheckpoint({ id }))
  ctx.print(`removed ${what} ${id} (${out.filesRemoved} checkpoint folder${out.filesRemoved === 1 ? '' : 's'} removed)`)
  for (const n of out.fileNotes) ctx.print(`  left on disk: ${n}`)
  return { removed: { [what]: id }, ...out }
}

/** `models`: the library's trained models, each with its runs and their checkpoints; rename and remove them. */
export const modelsCommand: Command = {
  name: 'models',
  summary: 'List trained models with their runs (status, dates, epochs, best validation figure: ROC-AUC, NLL or ELBO) and checkpoints; rename or remove a model, run or checkpoint',
  usage: 'models [list] | models rename ID --name N | models rm ID | models rm-run ID | models rm-checkpoint ID  [--data-dir D] [--json]',
  options: { name: { type: 'string' }, ...dataDirOption },
  positionals: { min: 0, max: 2 },
  async run(ctx) {
    const sub = ctx.positionals[0] ?? 'list'
    if (sub !== 'list' && !(EDITS as readonly string[]).includes(sub)) throw new CliUsageError(`models: "${sub}" is not one of list, ${EDITS.join(', ')}`)
    if (sub === 'list' && ctx.positionals.length > 1) throw new CliUsageError(`models list: unexpected argument "${ctx.positionals[1]}"`)
    if (sub !== 'list') return withCommandLibrary(ctx, (lib) => edit(ctx, lib, sub as Edit))
    return withCommandLibrary(ctx, (lib) => {
      const models = listModels(lib).map((m) => ({ ...m, runs: m.runs.map((r) => ({ ...r, ...summarise(r) })) }))
      for (const m of models) {
        ctx.print(`model ${m.id}  ${m.name}  (${m.kind}, created ${when(m.createdAt)})`)
        for (const r of m.runs) {
          const target = typeof r.config.epochs === 'number' ? `/${r.config.epochs}` : ''
          const best = r.best === null ? 'no validated checkpoint yet' : `${r.best.label} ${r.best.value.toFixed(4)}`
          ctx.print(`  run ${r.id}  ${r.status}  ${when(r.startedAt)} -> ${when(r.finishedAt)}  epochs ${r.epochs}${target}  ${best}${r.error ? `  (${r.error})` : ''}`)
          for (const c of r.checkpoints) {
            const { epoch, ...rest } = c.metrics
            const metrics = Object.entries(rest).map(([k, v]) => `${k}=${figure(v)}`).join(' ')
            ctx.print(`    checkpoint ${c.id}  epoch ${epoch ?? '?'}  step ${c.step}  ${formatBytes(c.sizeBytes)}  ${metrics}`)
          }
        }
      }
      if (models.length === 0) ctx.print('no trained models yet (train one with `train-tagger`, `train-wavenet` or `train-vae`)')
      return { models }
    })
  }
}
