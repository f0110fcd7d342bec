/**
 * The vocoder check (issue 15's target "local conditioning follows its features": in resynthesis,
 * the frame energy of the output correlates with that of the conditioning at 0.8 or more).
 *
 * Through the CLI, as a user would: builds an espeak-ng VCTK-format set (bench/espeak-vctk.py: 2
 * female and 2 male voices, 12 Harvard sentences each), holds the last 2 utterances of each voice
 * out of the import, trains a WaveNet conditioned on log-mel frames only (--condition mel: 80 bands
 * at a 16 ms hop) for --vocoder-epochs epochs (6, 342 steps of 8 crops; epochs rather than
 * minutes so the figure does not depend on how busy the machine is; --vocoder-minutes caps the wall
 * time, 30 by default), resynthesises every held-out utterance from
 * its recording (`generate --mel FILE.flac`, temperature 1, as long as the recording), and compares
 * the per-frame energy (dB, frames of the mel hop, floored at -80 dB) of output and recording by
 * Pearson's correlation. Training time is reported in wall and CPU seconds (the CLI child's, from
 * /proc/self/stat), the generation rate from `generate --json`.
 *
 * Measured (2026-11-30, 2-core box at load ~12): 6 epochs, 342 steps, 278 s CPU (897 s wall); mean
 * correlation 0.886 over 8 held-out utterances (min 0.814; target 0.8); generation 28k samples/s
 * (3.5x realtime at 8 kHz). At 3 epochs (171 steps, 150 s CPU): mean 0.766, min 0.454.
 *
 * Not in the default sections (it trains for minutes):
 *   npm run bench -- --only wavenet-vocoder [--vocoder-epochs N] [--vocoder-minutes M] [--vocoder-keep]
 * Alone: `npx tsx bench/wavenet-vocoder.ts [--vocoder-epochs N]` (one JSON object on stdout).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { loadMono } from '../src-main/audio/load'
import { frameEnergyDb, pearson } from '../src-main/dsp/frame-energy'
import { cliJson as cli, numberFlag } from './cli-json'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Options of this section (also parsed by bench/index.ts). */
export const VOCODER_OPTIONS = {
  'vocoder-epochs': { type: 'string' },
  'vocoder-minutes': { type: 'string' },
  'vocoder-keep': { type: 'boolean', default: false }
} as const

export interface VocoderBenchOptions {
  /** Epochs of training (6: at 3 the mean correlation was 0.77, some outputs falling silent mid-utterance). */
  epochs: number
  /** Most wall-clock minutes of training (30). */
  minutes: number
  /** Keep the temporary folder (set, library, outputs) and print where it is. */
  keep: boolean
}

/** The set's rate: 8 kHz buys twice the audio per CPU second that 16 kHz would. */
const RATE = 8000
/** Utterances per voice held out of training, to be resynthesised. */
const HELD_OUT = 2

/** Reads the section's flags; throws on a bad value. */
export function vocoderOptions(v: Record<string, unknown>): VocoderBenchOptions {
  const num = (name: string, fallback: number, min: number): number => numberFlag(v, name, fallback, min)
  const epochs = num('vocoder-epochs', 6, 1)
  if (!Number.isInteger(epochs)) throw new Error(`--vocoder-epochs: ${epochs} is not a whole number`)
  return { epochs, minutes: num('vocoder-minutes', 30, 0.5), keep: v['vocoder-keep'] === true }
}


/** CPU seconds of this process's waited-for children so far (cutime + cstime of /proc/self/stat, at 100 ticks/s). */
function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Fields after the command name start at field 3 (state): cutime and cstime are fields 16 and 17.
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / 100
}

/** Moves the last HELD_OUT utterances of each voice (audio and transcript) out of `set` into `held`; returns their audio paths. */
function holdOut(set: string, held: string): string[] {
  const out: string[] = []
  const wavs = join(set, 'wav48_silence_trimmed')
  mkdirSync(held, { recursive: true })
  for (const speaker of readdirSync(wavs).sort()) {
    for (const f of readdirSync(join(wavs, speaker)).sort().slice(-HELD_OUT)) {
      const to = join(held, f)
      renameSync(join(wavs, speaker, f), to)
      const key = f.replace(/_mic\d\.flac$/, '')
      rmSync(join(set, 'txt', speaker, `${key}.txt`), { force: true })
      out.push(to)
    }
  }
  return out
}

/** The section (see the file's note). */
export async function benchWavenetVocoder(o: VocoderBenchOptions): Promise<Record<string, number>> {
  const work = mkdtempSync(join(tmpdir(), 'eb-wavenet-vocoder-'))
  try {
    const set = join(work, 'set')
    const lib = join(work, 'library')
    execFileSync('/usr/bin/python3', [join(ROOT, 'bench/espeak-vctk.py'), set, '--rate', String(RATE), '--female', '2', '--male', '2', '--sentences', '12'], { stdio: ['ignore', 'ignore', 'ignore'] })
    const held = holdOut(set, join(work, 'held-out'))
    const imported = cli(['import-vctk', set, '--data-dir', lib])
    const cpu0 = childCpuSeconds()
    const t0 = performance.now()
    // One stack of 8 layers (receptive field 258 samples, 32 ms), 24 channels; mel frames only, repeated to the sample rate.
    const trained = cli([
      'train-wavenet', '--dataset', String(imported.datasetId), '--data-dir', lib, '--sample-rate', String(RATE), '--condition', 'mel',
      '--stacks', '1', '--layers', '8', '--channels', '24', '--targets', '1024', '--batch', '8', '--lr', '0.003', '--epochs', String(o.epochs), '--patience', '1000', '--max-minutes', String(o.minutes)
    ])
    const trainSeconds = (performance.now() - t0) / 1000
    const trainCpuSeconds = childCpuSeconds() - cpu0
    const mel = trained.mel as { hop: number; bands: number }
    const correlations: number[] = []
    let rate = 0
    for (const [i, source] of held.entries()) {
      const out = join(work, `resynth-${i + 1}.wav`)
      const g = cli(['generate', '--checkpoint', String(trained.checkpointId), '--data-dir', lib, '--mel', source, '--temperature', '1', '--seed', String(i + 1), '--out', out])
      rate += Number(g.samplesPerSecond) / held.length
      const [x, y] = [await loadMono(source, RATE), await loadMono(out, RATE)]
      correlations.push(pearson(frameEnergyDb(x, mel.hop), frameEnergyDb(y, mel.hop)))
    }
    const mean = correlations.reduce((a, b) => a + b, 0) / correlations.length
    if (o.keep) process.stderr.write(`wavenet-vocoder: kept ${work}\n`)
    return {
      wavenetVocoderEnergyCorrelation: mean,
      wavenetVocoderEnergyCorrelationMin: Math.min(...correlations),
      wavenetVocoderUtterances: correlations.length,
      wavenetVocoderTrainSeconds: trainSeconds,
      wavenetVocoderTrainCpuSeconds: trainCpuSeconds,
      wavenetVocoderEpochs: Number(trained.epochs),
      wavenetVocoderSteps: Number(trained.steps),
      wavenetVocoderValidNll: Number(trained.validNll),
      wavenetVocoderMelBands: mel.bands,
      wavenetVocoderMelHop: mel.hop,
      wavenetVocoderGenerateSamplesPerSec: rate
    }
  } finally {
    if (!o.keep) rmSync(work, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: VOCODER_OPTIONS })
  console.log(JSON.stringify(await benchWavenetVocoder(vocoderOptions(values))))
}
