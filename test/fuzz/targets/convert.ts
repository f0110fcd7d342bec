import { existsSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { decodeFile } from '../../../src-main/audio/decode'
import { classifyError } from '../classify'
import { runCli } from '../cli-door'
import { readWav, wavSample } from '../formats/wav-read'
import { audioWrongs, nonFinite, repaired, shapeOf } from '../oracles/audio'
import type { FuzzRng } from '../random'
import type { AudioInput } from './audio-input'
import { judged, refusal, type Verdict } from './verdict'

/** The convert options a case uses, chosen by its RNG. */
export function convertOptions(rng: FuzzRng): string[] {
  const opts: string[] = []
  if (rng.chance(0.5)) opts.push('--sr', String(rng.pick([8000, 16000, 22050, 44100, 48000])))
  if (rng.chance(0.3)) opts.push('--mono')
  if (rng.chance(0.3)) opts.push('--float')
  return opts
}

/**
 * `convert --in <file> --out <out.wav> [opts]` through the real CLI. The written WAV is read back
 * independently: its rate, channels and length must follow from the decode and the options
 * (resampling gives round(frames x to / from) frames), its data size must match, float output must
 * be finite, and NaN/Inf input must be refused or reported. A failed convert leaves no output.
 */
export async function runConvert(input: AudioInput, opts: string[]): Promise<Verdict> {
  const out = join(input.dir, 'out.wav')
  const direct = await decodeFile(input.path).then(
    (audio) => ({ audio, error: undefined }),
    (error: unknown) => ({ audio: undefined, error })
  )
  const cli = await runCli(['convert', '--in', input.path, '--out', out, ...opts])
  if (cli.code !== 0) {
    if (existsSync(out)) return { outcome: 'WRONG', detail: `a failed convert left ${basename(out)} behind` }
    if (cli.thrown === undefined) return { outcome: 'CRASH', detail: `exit ${cli.code} without an error from the command: ${cli.stderr.join(' | ')}` }
    return refusal(classifyError(cli.thrown, [input.path, basename(input.path), out]), cli, input.valid)
  }
  if (!direct.audio) return { outcome: 'WRONG', detail: `convert succeeded on a file decodeFile refuses (${String((direct.error as Error)?.message)})` }
  if (cli.stderr.length > 0) return { outcome: 'CRASH', detail: `stderr chatter on success: ${cli.stderr.slice(0, 3).join(' | ')}` }
  const a = direct.audio
  const wrongs = await audioWrongs(input.bytes, input.path, a, input.expected)
  wrongs.push(...outputWrongs(new Uint8Array(readFileSync(out)), shapeOf(a), opts))
  if (nonFinite(a) > 0) wrongs.push(`the decoder delivered ${nonFinite(a)} NaN/Inf samples to convert`)
  if (repaired(a) > 0 && ![...cli.stdout, ...cli.stderr].some((l) => /non.?finite|nan|inf/i.test(l))) {
    wrongs.push(`convert repaired ${repaired(a)} NaN/Inf input samples without a word`)
  }
  return judged(wrongs, `wrote ${opts.join(' ') || 'defaults'}`)
}

function outputWrongs(b: Uint8Array, input: { sampleRate: number; channels: number; frames: number }, opts: string[]): string[] {
  const w = readWav(b)
  if (!w?.fmt || !w.data) return ['output is not a readable WAV']
  const srAt = opts.indexOf('--sr')
  const rate = srAt >= 0 ? Number(opts[srAt + 1]) : input.sampleRate
  const float = opts.includes('--float')
  const channels = opts.includes('--mono') ? 1 : input.channels
  const frames = rate === input.sampleRate ? input.frames : Math.round((input.frames * rate) / input.sampleRate)
  const wrongs: string[] = []
  const { fmt, data } = w
  if (fmt.code !== (float ? 3 : 1) || fmt.bits !== (float ? 32 : 16)) wrongs.push(`output encoding code ${fmt.code} ${fmt.bits}-bit`)
  if (fmt.sampleRate !== rate || fmt.channels !== channels) wrongs.push(`output ${fmt.sampleRate} Hz ${fmt.channels} ch, expected ${rate} Hz ${channels} ch`)
  if (data.size !== b.length - data.body || data.size !== frames * fmt.blockAlign) wrongs.push(`output data size ${data.size} for ${frames} frames of ${fmt.blockAlign} bytes in ${b.length - data.body} bytes`)
  if (float) {
    for (let i = 0; i < frames && wrongs.length === 0; i++) {
      for (let c = 0; c < channels; c++) {
        const x = wavSample(b, w, i, c)
        if (x !== undefined && !Number.isFinite(x)) {
          wrongs.push(`output sample ${i} of channel ${c} is ${x}`)
          break
        }
      }
    }
  }
  return wrongs
}
