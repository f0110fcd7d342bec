import { readFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { CliUsageError, boolFlag, numberFlag, stringFlag, type Command } from '../command'
import { checkOutputPath } from '../output-path'
import { closeJobPool } from '../../api/jobs'
import { MAX_GENERATE_BATCH, generateWavenet } from '../../api/wavenet-generation'
import { resolveDataDir } from '../../library/data-dir'
import { isJobCancelled } from '../../jobs/errors'
import { UserError, describeError } from '../../util/errors'
import { dataDirOption, positiveIntFlag } from './data-dir'
import { modelRefOptions } from './models'

/** The output files: FILE itself for one stream, FILE-1.wav ... FILE-B.wav for B. */
export function batchOutputs(out: string, batch: number): string[] {
  if (batch === 1) return [out]
  const stem = out.slice(0, -extname(out).length)
  return Array.from({ length: batch }, (_, i) => `${stem}-${i + 1}${extname(out)}`)
}

/** The numbers of a --vector file: a JSON array of numbers, or an object whose "vector" is one. */
export async function readVectorFile(file: string): Promise<number[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new UserError(`--vector ${file}: cannot read (${describeError(err)})`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new UserError(`--vector ${file}: not JSON`)
  }
  const values = Array.isArray(parsed) ? parsed : (parsed as { vector?: unknown } | null)?.vector
  if (!Array.isArray(values) || values.length === 0 || !values.every((x) => typeof x === 'number')) {
    throw new UserError(`--vector ${file}: not a JSON array of numbers (or an object whose "vector" is one)`)
  }
  return values as number[]
}

/**
 * `generate`: audio from a trained WaveNet, fast (per-layer queues) or naive, written as 16-bit WAV;
 * a speaker model takes --speaker, a tags model --tags, a GloVe model --text (or --tags), any vector
 * model --vector (a raw vector of its width); a mel-conditioned model takes --mel: a recording (resynthesised from its log-mel frames, as long as
 * the recording unless --seconds) or a log-mel file written by `mel`.
 */
export const generateCommand: Command = {
  name: 'generate',
  summary: 'Generate audio with a trained WaveNet (fast or naive), conditioned on a trained speaker, tags, words (GloVe) or a vector, and/or log-mel frames (--mel), as 16-bit WAV',
  usage: 'generate --model ID | --checkpoint ID --out FILE.wav [--mel AUDIO|FILE.json] [--seconds S] [--speaker CODE | --tags T1,T2 | --text WORDS | --vector FILE.json] [--temperature T] [--seed N] [--batch B] [--naive] [--data-dir D] [--json]',
  options: { ...dataDirOption, ...modelRefOptions, out: { type: 'string' }, mel: { type: 'string' }, seconds: { type: 'string' }, speaker: { type: 'string' }, tags: { type: 'string' }, text: { type: 'string' }, vector: { type: 'string' }, temperature: { type: 'string' }, seed: { type: 'string' }, batch: { type: 'string' }, naive: { type: 'boolean' } },
  async run(ctx) {
    const modelId = positiveIntFlag(ctx, 'model')
    const checkpointId = positiveIntFlag(ctx, 'checkpoint')
    if (modelId === undefined && checkpointId === undefined) throw new CliUsageError('--model ID or --checkpoint ID is required (`models` lists both)')
    const out = stringFlag(ctx, 'out')
    if (out === undefined) throw new CliUsageError('--out FILE.wav is required')
    if (extname(out).toLowerCase() !== '.wav') throw new UserError(`${out}: generate writes WAV; give the output a .wav name`)
    const seconds = numberFlag(ctx, 'seconds')
    const temperature = numberFlag(ctx, 'temperature') ?? 1
    const seed = numberFlag(ctx, 'seed') ?? 0
    if (!Number.isInteger(seed) || seed < 0) throw new CliUsageError(`--seed: "${seed}" is not a whole number >= 0`)
    const batch = positiveIntFlag(ctx, 'batch') ?? 1
    // Before the output paths are made and checked one by one (the service refuses it too).
    if (batch > MAX_GENERATE_BATCH) throw new UserError(`--batch ${batch}: at most ${MAX_GENERATE_BATCH} streams in one request`)
    const outs = batchOutputs(resolve(out), batch)
    for (const o of outs) await checkOutputPath(o, [])
    const speaker = stringFlag(ctx, 'speaker')?.trim().toLowerCase()
    const naive = boolFlag(ctx, 'naive')
    const mel = stringFlag(ctx, 'mel')
    const tags = stringFlag(ctx, 'tags')?.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== '')
    if (tags !== undefined && tags.length === 0) throw new CliUsageError('--tags: give at least one tag (e.g. --tags guitar,slow)')
    const text = stringFlag(ctx, 'text')
    const vectorFile = stringFlag(ctx, 'vector')
    const vector = vectorFile === undefined ? undefined : await readVectorFile(resolve(vectorFile))
    const bar = ctx.progress('generate', 1)
    const abort = new AbortController()
    const onInterrupt = (): void => abort.abort()
    process.once('SIGINT', onInterrupt)
    try {
      const params = {
        dataDir: resolveDataDir(stringFlag(ctx, 'data-dir')),
        ...(modelId !== undefined && { modelId }),
        ...(checkpointId !== undefined && { checkpointId }),
        ...(speaker !== undefined && { speaker }),
        ...(tags !== undefined && { tags }),
        ...(text !== undefined && { text }),
        ...(vector !== undefined && { vector }),
        // With --mel and no --seconds: as long as the recording (or the file's frames).
        ...(mel !== undefined && { mel: resolve(mel), untilMelEnds: seconds === undefined }),
        seconds: seconds ?? 1,
        outs,
        temperature,
        seed,
        naive
      }
      // The generation service checks seconds and temperature (naming our flags) and runs the job.
      const r = await generateWavenet(
        params,
        {
          signal: abort.signal,
          onProgress: (p) => {
            bar.setTotal(p.total)
            bar.update(p.step, { ...(p.phase !== undefined && { phase: p.phase }) }, p.etaMs)
          }
        },
        '--'
      )
      bar.stop()
      const ms = (n: number): string => `${Math.round((n / r.sampleRate) * 1000)} ms`
      ctx.print(`model ${r.modelId}, checkpoint ${r.checkpointId}: ${r.batch} x ${r.samples} samples at ${r.sampleRate} Hz (${ms(r.samples)}), ${r.method}; ${r.vectorFrom === null ? `speaker ${r.speaker ?? 'none'}` : `global vector from ${r.vectorFrom === 'vector' ? vectorFile : r.vectorFrom === 'tags' ? `tags ${tags!.join(', ')}` : `"${text}"`}`}${r.conditioning === null ? '' : `, log-mel frames from ${r.conditioning === 'audio' ? 'the recording' : 'the file'} ${mel}`}, temperature ${r.temperature}, seed ${r.seed}`)
      ctx.print(`${Math.round(r.samplesPerSecond)} samples/s, ${r.realtimeFactor.toFixed(2)}x realtime; receptive field ${r.receptiveField} samples (${ms(r.receptiveField)})`)
      for (const f of r.files) ctx.print(`wrote ${f}`)
      return { ...r }
    } catch (err) {
      if (!isJobCancelled(err)) throw err
      throw new UserError('generate: cancelled, nothing written')
    } finally {
      process.off('SIGINT', onInterrupt)
      bar.stop()
      await closeJobPool()
    }
  }
}
