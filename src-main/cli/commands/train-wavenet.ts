import { CliUsageError, numberFlag, stringFlag, type Command } from '../command'
import { trainWavenet, WAVENET_CONDITIONS, WAVENET_PRESETS, WAVENET_UPSAMPLING, type TrainWavenetRequest, type WavenetPresetName } from '../../api/wavenet-training'
import type { WavenetCondition } from '../../jobs/train-wavenet-job'
import { closeJobPool } from '../../api/jobs'
import { isJobCancelled } from '../../jobs/errors'
import { UserError } from '../../util/errors'
import { dataDirOption, positiveIntFlag } from './data-dir'

/** Flags of whole numbers >= 1 and of any number, by the request field they set. */
const WHOLE_FLAGS = { stacks: 'stacks', layers: 'layers', channels: 'channels', targets: 'targets', epochs: 'epochs', batch: 'batch', patience: 'patience', 'sample-rate': 'sampleRate', 'mel-bands': 'melBands', 'mel-hop': 'melHop', glove: 'glove' } as const
const NUMBER_FLAGS = { 'max-minutes': 'maxMinutes', lr: 'learningRate', seed: 'seed' } as const

/** `train-wavenet`: trains a mu-law WaveNet, conditioned on the speaker or a dense vector (tags, GloVe) and/or log-mel frames, on an imported VCTK-format or MagnaTagATune dataset. */
export const trainWavenetCommand: Command = {
  name: 'train-wavenet',
  summary: 'Train a mu-law WaveNet (conditioned on the speaker, tags or a GloVe vector, on log-mel frames, a global and the local, or nothing) on an imported VCTK-format or MagnaTagATune dataset',
  usage:
    'train-wavenet --dataset ID [--preset default|tiny] [--stacks N] [--layers N] [--channels N] [--targets N] [--condition speaker|none|tags|glove|mel|speaker+mel|tags+mel|glove+mel] [--glove ID] [--upsampling repeat|transposed] [--mel-bands N] [--mel-hop N] [--speakers p225,p226] [--epochs N] [--max-minutes M] [--batch B] [--lr X] [--seed N] [--patience N] [--sample-rate HZ] [--resume CHECKPOINT] [--data-dir D] [--json]',
  options: {
    ...dataDirOption,
    dataset: { type: 'string' },
    preset: { type: 'string' },
    stacks: { type: 'string' },
    layers: { type: 'string' },
    channels: { type: 'string' },
    targets: { type: 'string' },
    condition: { type: 'string' },
    glove: { type: 'string' },
    upsampling: { type: 'string' },
    'mel-bands': { type: 'string' },
    'mel-hop': { type: 'string' },
    speakers: { type: 'string' },
    epochs: { type: 'string' },
    'max-minutes': { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    patience: { type: 'string' },
    'sample-rate': { type: 'string' },
    resume: { type: 'string' }
  },
  async run(ctx) {
    const datasetId = positiveIntFlag(ctx, 'dataset')
    if (datasetId === undefined) throw new CliUsageError('--dataset ID is required (the id `import-vctk` or `import-mtat` printed)')
    const preset = stringFlag(ctx, 'preset')
    if (preset !== undefined && !Object.hasOwn(WAVENET_PRESETS, preset)) throw new CliUsageError(`--preset: "${preset}" is not one of ${Object.keys(WAVENET_PRESETS).join(', ')}`)
    const condition = stringFlag(ctx, 'condition')
    if (condition !== undefined && !(WAVENET_CONDITIONS as readonly string[]).includes(condition)) throw new CliUsageError(`--condition: "${condition}" is not one of ${WAVENET_CONDITIONS.join(', ')}`)
    const upsampling = stringFlag(ctx, 'upsampling')
    if (upsampling !== undefined && !(WAVENET_UPSAMPLING as readonly string[]).includes(upsampling)) throw new CliUsageError(`--upsampling: "${upsampling}" is not one of ${WAVENET_UPSAMPLING.join(', ')}`)
    const speakers = stringFlag(ctx, 'speakers')
    const request: TrainWavenetRequest = { datasetId }
    const set = <K extends keyof TrainWavenetRequest>(key: K, value: TrainWavenetRequest[K] | undefined): void => {
      if (value !== undefined) request[key] = value
    }
    set('preset', preset as WavenetPresetName | undefined)
    set('condition', condition as WavenetCondition | undefined)
    set('upsampling', upsampling as (typeof WAVENET_UPSAMPLING)[number] | undefined)
    set('speakers', speakers?.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== ''))
    for (const [flag, key] of Object.entries(WHOLE_FLAGS)) set(key, positiveIntFlag(ctx, flag))
    for (const [flag, key] of Object.entries(NUMBER_FLAGS)) set(key, numberFlag(ctx, flag))
    set('resume', stringFlag(ctx, 'resume'))
    set('dataDir', stringFlag(ctx, 'data-dir'))
    const bar = ctx.progress('train-wavenet', 1)
    // Ctrl-C cancels the run (within one batch): the run is marked stopped and its checkpoints stay.
    const abort = new AbortController()
    const onInterrupt = (): void => abort.abort()
    process.once('SIGINT', onInterrupt)
    let runId: number | undefined
    try {
      const r = await trainWavenet(request, {
        signal: abort.signal,
        onProgress: (p) => {
          runId ??= p.metrics?.runId
          bar.setTotal(p.total)
          const rate = p.metrics?.samplesPerSecond
          bar.update(p.step, { ...(p.phase !== undefined && { phase: p.phase }), ...(p.loss !== undefined && { loss: p.loss }), ...(rate !== undefined && { 'samples/s': rate }) }, p.etaMs)
        }
      })
      bar.stop()
      const f = (v: number | null, digits = 4): string => (v === null ? 'n/a' : v.toFixed(digits))
      ctx.print(`run ${r.runId} of model ${r.modelId}: ${r.epochs} epochs, ${r.steps} steps, stopped by ${r.reason}; ${f(r.secondsPerEpoch, 1)} s per epoch`)
      ctx.print(`receptive field ${r.receptiveField} samples, crops of ${r.crop}; clips: train ${r.clips.train}, valid ${r.clips.valid}; speakers: ${r.speakers.join(', ') || (r.vector ? 'none' : 'none (unconditioned)')}`)
      if (r.vector) {
        const v = r.vector
        ctx.print(`global conditioning: ${v.kind === 'tags' ? `a multi-hot over ${v.width} tags (${v.tags.join(', ')})` : `the mean ${v.dim}-d vector of GloVe set ${v.gloveId} over each clip's ${v.from === 'tags' ? "tags' words" : 'transcript words'}`}; ${r.zeroVectors} clip${r.zeroVectors === 1 ? '' : 's'} got the zero vector`)
      }
      if (r.missing > 0) ctx.print(`${r.missing} clip${r.missing === 1 ? '' : 's'} left out: audio file missing`)
      if (r.mel) ctx.print(`local conditioning: ${r.mel.bands} log-mel bands at hop ${r.mel.hop} (nFft ${r.mel.nFft}, ${r.mel.fMin}-${r.mel.fMax} Hz); ${r.targets} targets per crop`)
      ctx.print(`best checkpoint ${r.checkpointId}: ${r.checkpointPath}`)
      ctx.print(`validation cross-entropy ${f(r.validNll)} nats/sample (${f(r.validBits)} bits); last epoch's training loss ${f(r.finalLoss)} nats/sample`)
      for (const s of r.skipped) ctx.print(`  skipped ${s.path}: ${s.reason}`)
      // `checkpoint`: the name issue 15's contract gives the best checkpoint's id (checkpointId kept for scripts).
      return { ...r, checkpoint: r.checkpointId }
    } catch (err) {
      if (!isJobCancelled(err)) throw err
      const where = runId === undefined ? 'before its first batch' : `run ${runId} is stopped; its checkpoints are listed by \`models\` (continue one with --resume ID)`
      throw new UserError(`train-wavenet: cancelled, ${where}`)
    } finally {
      process.off('SIGINT', onInterrupt)
      bar.stop()
      await closeJobPool()
    }
  }
}
