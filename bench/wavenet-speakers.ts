/**
 * Does global (speaker) conditioning audibly work? (issue 15's target: audio generated with a female
 * speaker id has a median F0 at least 40 Hz above audio generated with a male id.)
 *
 * Through the CLI, as a user would: builds an espeak-ng VCTK-format set (bench/espeak-vctk.py: 3
 * female and 3 male voices, 20 Harvard sentences each), imports it into a fresh library, trains a
 * speaker-conditioned WaveNet for --speakers-minutes of wall time, generates --speakers-seconds of
 * audio per speaker (several seeds, temperature 1), and measures the median F0 of each output by
 * YIN (src-main/dsp/pitch.ts, medianF0) over its voiced active frames. The source voices'
 * own median F0 is measured beside (the gap the model has to reproduce).
 *
 * Not in the default sections (it trains for minutes):
 *   npm run bench -- --only wavenet-speakers [--speakers-minutes M] [--speakers-rate HZ] [--speakers-seconds S] [--speakers-keep]
 * Measuring a model trained already (its library, the set it was trained on, a checkpoint id):
 *   npm run bench -- --only wavenet-speakers --speakers-library DIR --speakers-set DIR --speakers-checkpoint ID
 * Alone: `npx tsx bench/wavenet-speakers.ts [--speakers-minutes M]` (one JSON object on stdout).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { decodeFile } from '../src-main/audio/decode'
import { medianF0 } from '../src-main/dsp/pitch'
import { cliJson as cli, median, numberFlag } from './cli-json'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Options of this section (also parsed by bench/index.ts). */
export const SPEAKERS_OPTIONS = {
  'speakers-minutes': { type: 'string' },
  'speakers-rate': { type: 'string' },
  'speakers-seconds': { type: 'string' },
  'speakers-keep': { type: 'boolean', default: false },
  'speakers-library': { type: 'string' },
  'speakers-set': { type: 'string' },
  'speakers-checkpoint': { type: 'string' }
} as const

export interface SpeakersBenchOptions {
  /** Wall-clock minutes of training (15). */
  minutes: number
  /** Sample rate of set and model (8000: the bench's budget buys twice the audio it would at 16 kHz). */
  rate: number
  /** Seconds generated per speaker and seed (4). */
  seconds: number
  /** Keep the temporary folder (set, library, outputs) and print where it is. */
  keep: boolean
  /** Measure this trained checkpoint instead of training: its library, its set and its id. */
  trained?: { library: string; set: string; checkpoint: number }
}

/** Reads the section's flags; throws on a bad value. */
export function speakersOptions(v: Record<string, unknown>): SpeakersBenchOptions {
  const num = (name: string, fallback: number, min: number): number => numberFlag(v, name, fallback, min)
  const given = ['speakers-library', 'speakers-set', 'speakers-checkpoint'].filter((k) => v[k] !== undefined)
  if (given.length > 0 && given.length < 3) throw new Error('--speakers-library, --speakers-set and --speakers-checkpoint go together')
  const trained = given.length === 3 ? { library: String(v['speakers-library']), set: String(v['speakers-set']), checkpoint: num('speakers-checkpoint', 0, 1) } : undefined
  return { minutes: num('speakers-minutes', 15, 0.5), rate: num('speakers-rate', 8000, 8000), seconds: num('speakers-seconds', 4, 1), keep: v['speakers-keep'] === true, ...(trained && { trained }) }
}



/** Median F0 of every file of a folder tree's speaker folders (first `per` files each). */
async function sourceF0(root: string, speaker: string, per: number): Promise<number> {
  const dir = join(root, 'wav48_silence_trimmed', speaker)
  const f0s: number[] = []
  for (const f of readdirSync(dir).sort().slice(0, per)) {
    const a = await decodeFile(join(dir, f))
    f0s.push(medianF0(a.channels[0]!, a.sampleRate).f0)
  }
  return median(f0s)
}

/** Median F0 of `seconds` generated per speaker of checkpoint `checkpoint` (3 seeds each) beside its source voices', by gender. */
async function measureSpeakers(lib: string, set: string, checkpoint: number, seconds: number, work: string): Promise<Record<string, number>> {
  const genders = new Map<string, string>()
  for (const line of readFileSync(join(set, 'speaker-info.txt'), 'utf8').split('\n').slice(1)) {
    const [code, , gender] = line.trim().split(/\s+/)
    if (code && gender) genders.set(code.startsWith('p') ? code : `p${code}`, gender)
  }
  const figures: Record<string, number> = {}
  const byGender: Record<string, number[]> = { F: [], M: [], srcF: [], srcM: [] }
  let generatedRate = 0
  for (const code of genders.keys()) {
    const out = join(work, `${code}.wav`)
    const g = cli(['generate', '--checkpoint', String(checkpoint), '--data-dir', lib, '--speaker', code, '--seconds', String(seconds), '--temperature', '1', '--seed', '1', '--batch', '3', '--out', out])
    generatedRate = Number(g.samplesPerSecond)
    const f0s: number[] = []
    let voiced = 0
    for (let i = 1; i <= 3; i++) {
      const a = await decodeFile(join(work, `${code}-${i}.wav`))
      const m = medianF0(a.channels[0]!, a.sampleRate)
      f0s.push(m.f0)
      voiced += m.voicedShare / 3
    }
    const gender = genders.get(code) ?? '?'
    const f0 = median(f0s)
    const src = await sourceF0(set, code, 5)
    figures[`wavenetSpeakersF0_${code}_${gender}`] = f0
    figures[`wavenetSpeakersVoicedShare_${code}_${gender}`] = voiced
    figures[`wavenetSpeakersSourceF0_${code}_${gender}`] = src
    if (gender === 'F' || gender === 'M') {
      byGender[gender]!.push(f0)
      byGender[`src${gender}`]!.push(src)
    }
  }
  figures.wavenetSpeakersFemaleMedianF0 = median(byGender.F!)
  figures.wavenetSpeakersMaleMedianF0 = median(byGender.M!)
  figures.wavenetSpeakersF0GapHz = figures.wavenetSpeakersFemaleMedianF0 - figures.wavenetSpeakersMaleMedianF0
  figures.wavenetSpeakersSourceF0GapHz = median(byGender.srcF!) - median(byGender.srcM!)
  figures.wavenetSpeakersGenerateSamplesPerSec = generatedRate
  return figures
}

/** The section (see the file's note). Figures in Hz and seconds; NaN where generated audio had no voiced frame. */
export async function benchWavenetSpeakers(o: SpeakersBenchOptions): Promise<Record<string, number>> {
  const work = mkdtempSync(join(tmpdir(), 'eb-wavenet-speakers-'))
  try {
    if (o.trained) return await measureSpeakers(o.trained.library, o.trained.set, o.trained.checkpoint, o.seconds, work)
    const set = join(work, 'set')
    const lib = join(work, 'library')
    execFileSync('/usr/bin/python3', [join(ROOT, 'bench/espeak-vctk.py'), set, '--rate', String(o.rate), '--female', '3', '--male', '3', '--sentences', '20'], { stdio: ['ignore', 'ignore', 'ignore'] })
    const imported = cli(['import-vctk', set, '--data-dir', lib])
    const t0 = performance.now()
    // One stack of 8 layers (receptive field 257 samples: 32 ms at 8 kHz, three periods of a 100 Hz voice), 24 channels.
    const trained = cli(['train-wavenet', '--dataset', String(imported.datasetId), '--data-dir', lib, '--sample-rate', String(o.rate), '--stacks', '1', '--layers', '8', '--channels', '24', '--targets', '1024', '--batch', '8', '--lr', '0.003', '--epochs', '1000', '--patience', '1000', '--max-minutes', String(o.minutes)])
    const figures: Record<string, number> = { wavenetSpeakersTrainSeconds: (performance.now() - t0) / 1000, wavenetSpeakersEpochs: Number(trained.epochs), wavenetSpeakersSteps: Number(trained.steps), wavenetSpeakersValidNll: Number(trained.validNll) }
    Object.assign(figures, await measureSpeakers(lib, set, Number(trained.checkpointId), o.seconds, work))
    if (o.keep) process.stderr.write(`wavenet-speakers: kept ${work}\n`)
    return figures
  } finally {
    if (!o.keep) rmSync(work, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: SPEAKERS_OPTIONS })
  console.log(JSON.stringify(await benchWavenetSpeakers(speakersOptions(values))))
}
