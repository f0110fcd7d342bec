import { CliUsageError, stringFlag, type Command, type CommandContext } from '../command'
import { evaluateModel } from '../../api/models'
import { closeJobPool } from '../../api/jobs'
import type { EvaluateResult } from '../../jobs/model-jobs'
import type { Split } from '../../library/clips'
import type { TaggerSplit } from '../../datasets/mtat/training-splits'
import { dataDirOption } from './data-dir'
import { modelRefFlags, modelRefOptions } from './models'

const SPLITS: readonly Split[] = ['test', 'valid', 'train']

const f = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(4))

/** The per-tag table (tag, positives, ROC-AUC, PR-AUC), the means, and the tags left out with the reason. */
function printMetrics(ctx: CommandContext, r: EvaluateResult): void {
  const width = Math.max(5, ...r.perTag.map((t) => t.tag.length))
  const row = (tag: string, positives: string, roc: string, pr: string): void => ctx.print(`${tag.padEnd(width)}  ${positives.padStart(9)}  ${roc.padEnd(7)}  ${pr}`.trimEnd())
  row('tag', 'positives', 'ROC-AUC', 'PR-AUC')
  for (const t of r.perTag) row(t.tag, String(t.positives), f(t.rocAuc), f(t.prAuc))
  row('macro', `${r.perTag.length} tags`, f(r.macroRocAuc), f(r.macroPrAuc))
  row('micro', '', f(r.microRocAuc), f(r.microPrAuc))
  for (const t of r.leftOut) ctx.print(`left out ${t.tag}: ${t.reason}`)
}

/** `evaluate`: a trained tagger's per-tag and macro ROC-AUC / PR-AUC on one split of its dataset. */
export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'Evaluate a trained tagger on a split of its dataset: macro and per-tag ROC-AUC and PR-AUC',
  usage: 'evaluate --model ID [--checkpoint ID] [--split test|valid|train] [--split-choice standard|shuffled|FILE] [--data-dir D] [--json]',
  options: { ...dataDirOption, ...modelRefOptions, split: { type: 'string' }, 'split-choice': { type: 'string' } },
  async run(ctx) {
    const ref = modelRefFlags(ctx, true)
    const split = stringFlag(ctx, 'split')
    if (split !== undefined && !SPLITS.includes(split as Split)) throw new CliUsageError(`--split: "${split}" is not one of ${SPLITS.join(', ')}`)
    const choice = stringFlag(ctx, 'split-choice')
    const splitChoice: TaggerSplit | undefined = choice === undefined || choice === 'standard' || choice === 'shuffled' ? choice : { file: choice }
    const bar = ctx.progress('evaluate', 1)
    try {
      const r = await evaluateModel(
        { ...ref, ...(split !== undefined && { split: split as Split }), ...(splitChoice !== undefined && { splitChoice }) },
        {
          onProgress: (p) => {
            bar.setTotal(p.total)
            bar.update(p.step, p.phase !== undefined ? { phase: p.phase } : undefined, p.etaMs)
          }
        }
      )
      bar.stop()
      ctx.print(`model ${r.modelId}, checkpoint ${r.checkpointId}, ${r.split} split: ${r.clips} clip${r.clips === 1 ? '' : 's'}${r.unscored ? ` (${r.unscored} more could not be decoded)` : ''}`)
      printMetrics(ctx, r)
      return { ...r }
    } finally {
      bar.stop()
      await closeJobPool()
    }
  }
}
