import { CliUsageError, numberFlag, stringFlag, type Command } from '../command'
import { trainTagger } from '../../api/training'
import { closeJobPool } from '../../api/jobs'
import { isJobCancelled } from '../../jobs/errors'
import { UserError } from '../../util/errors'
import type { TaggerSplit } from '../../datasets/mtat/training-splits'
import { dataDirOption, positiveIntFlag } from './data-dir'

/** `train-tagger`: trains a Dieleman or sample-level CNN tagger on an imported MagnaTagATune dataset. */
export const trainTaggerCommand: Command = {
  name: 'train-tagger',
  summary: 'Train a music tagger (Dieleman or sample-level CNN) on an imported MagnaTagATune dataset',
  usage:
    'train-tagger --dataset ID [--arch dieleman|samplecnn] [--split standard|shuffled|FILE] [--epochs N] [--max-minutes M] [--batch B] [--lr X] [--seed N] [--top N] [--patience N] [--width X] [--resume CHECKPOINT] [--data-dir D] [--json]',
  options: {
    ...dataDirOption,
    dataset: { type: 'string' },
    arch: { type: 'string' },
    split: { type: 'string' },
    epochs: { type: 'string' },
    'max-minutes': { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    top: { type: 'string' },
    patience: { type: 'string' },
    width: { type: 'string' },
    resume: { type: 'string' }
  },
  async run(ctx) {
    const datasetId = positiveIntFlag(ctx, 'dataset')
    if (datasetId === undefined) throw new CliUsageError('--dataset ID is required (the id `import-mtat` printed)')
    const arch = stringFlag(ctx, 'arch')
    if (arch !== undefined && arch !== 'dieleman' && arch !== 'samplecnn') throw new CliUsageError(`--arch: "${arch}" is not one of dieleman, samplecnn`)
    const rawSplit = stringFlag(ctx, 'split')
    // Unset, the preset's split for a new run, the checkpoint's for a resumed one (the service decides).
    const split: TaggerSplit | undefined = rawSplit === undefined || rawSplit === 'standard' || rawSplit === 'shuffled' ? rawSplit : { file: rawSplit }
    const width = numberFlag(ctx, 'width')
    if (width !== undefined && arch !== 'samplecnn') throw new CliUsageError('--width: only the sample-level CNN has a width (add --arch samplecnn)')
    const bar = ctx.progress('train-tagger', 1)
    // Ctrl-C cancels the run (within one batch): the run is marked stopped and its checkpoints stay.
    const abort = new AbortController()
    const onInterrupt = (): void => abort.abort()
    process.once('SIGINT', onInterrupt)
    let runId: number | undefined
    try {
      const r = await trainTagger(
        {
          datasetId,
          ...(split !== undefined && { split }),
          ...(arch !== undefined && { arch }),
          ...optional('epochs', positiveIntFlag(ctx, 'epochs')),
          ...optional('maxMinutes', numberFlag(ctx, 'max-minutes')),
          ...optional('batch', positiveIntFlag(ctx, 'batch')),
          ...optional('learningRate', numberFlag(ctx, 'lr')),
          ...optional('seed', numberFlag(ctx, 'seed')),
          ...optional('top', positiveIntFlag(ctx, 'top')),
          ...optional('patience', positiveIntFlag(ctx, 'patience')),
          ...optional('resume', stringFlag(ctx, 'resume')),
          ...(width !== undefined && { modelOptions: { width } }),
          ...optional('dataDir', stringFlag(ctx, 'data-dir'))
        },
        {
          signal: abort.signal,
          onProgress: (p) => {
            runId ??= p.metrics?.runId
            bar.setTotal(p.total)
            bar.update(p.step, { ...(p.phase !== undefined && { phase: p.phase }), ...(p.loss !== undefined && { loss: p.loss }), ...(p.metrics?.clipsPerSecond !== undefined && { 'clips/s': p.metrics.clipsPerSecond }) }, p.etaMs)
          }
        }
      )
      bar.stop()
      const f = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(4))
      ctx.print(`run ${r.runId} of model ${r.modelId} (${r.arch}): ${r.epochs} epochs, ${r.steps} steps, stopped by ${r.reason}`)
      ctx.print(`clips: train ${r.clips.train}, valid ${r.clips.valid}, test ${r.clips.test}; ${r.tags.length} tags; ${r.clipsPerSecond.toFixed(1)} clips/s`)
      ctx.print(`best checkpoint ${r.checkpoint.id} (epoch ${r.checkpoint.epoch}): ${r.checkpoint.path}`)
      ctx.print(`validation ROC-AUC ${f(r.valRocAuc)}, PR-AUC ${f(r.valPrAuc)}; ${r.testSplit} ROC-AUC ${f(r.testRocAuc)}, PR-AUC ${f(r.testPrAuc)}`)
      for (const t of r.leftOutTags) ctx.print(`  ${t.tag}: no AUC (${t.reason})`)
      for (const s of r.skipped) ctx.print(`  skipped ${s.path}: ${s.reason}`)
      return { ...r, checkpoint: r.checkpoint.id, checkpointPath: r.checkpoint.path }
    } catch (err) {
      if (!isJobCancelled(err)) throw err
      const where = runId === undefined ? 'before its first batch' : `run ${runId} is stopped; its checkpoints are listed by \`models\` (continue one with --resume ID)`
      throw new UserError(`train-tagger: cancelled, ${where}`)
    } finally {
      process.off('SIGINT', onInterrupt)
      bar.stop()
      await closeJobPool()
    }
  }
}

/** `{ key: value }` when the flag was given, else nothing. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
