import { basename } from 'node:path'
import { decodeFile } from '../../../src-main/audio/decode'
import { classifyError } from '../classify'
import { runCli } from '../cli-door'
import { audioWrongs, nonFinite, repaired, shapeOf } from '../oracles/audio'
import { crossCheck } from '../reference'
import type { AudioInput } from './audio-input'
import { judged, refusal, type Verdict } from './verdict'

/**
 * `info <file> --json`, the decoder as the info command uses it: decodeFile directly (for the
 * error's type and the samples) and the real CLI line (exit code, stderr lines, JSON), then the
 * audio oracles and, on success, the reference decoder.
 */
export async function runInfo(input: AudioInput): Promise<Verdict> {
  const direct = await decodeFile(input.path).then(
    (audio) => ({ audio, error: undefined }),
    (error: unknown) => ({ audio: undefined, error })
  )
  const cli = await runCli(['info', input.path, '--json'])
  if (!direct.audio) return refusal(classifyError(direct.error, [input.path, basename(input.path)]), cli, input.valid)
  const a = direct.audio
  const wrongs = await audioWrongs(input.bytes, input.path, a, input.expected, true)
  if (cli.code !== 0) wrongs.push(`the CLI failed where decodeFile succeeded: ${cli.stderr.join(' | ')}`)
  if (cli.code === 0 && cli.stderr.length > 0) return { outcome: 'CRASH', detail: `stderr chatter on success: ${cli.stderr.slice(0, 3).join(' | ')}` }
  const s = shapeOf(a)
  const j = cli.json
  if (cli.code === 0 && (!j || j.sampleRate !== s.sampleRate || j.channels !== s.channels || Math.abs(Number(j.duration) * s.sampleRate - s.frames) > 0.5)) {
    wrongs.push(`info JSON ${JSON.stringify({ sampleRate: j?.sampleRate, channels: j?.channels, duration: j?.duration })} differs from the decode`)
  }
  // NaN/Inf either reach info (then it must count them) or are repaired by the decoder (then it must say how many).
  const bad = nonFinite(a) + repaired(a)
  if (bad > 0 && j) {
    const reported = Object.entries(j).some(([k, v]) => /non.?finite|nan/i.test(k) && Number(v) === bad)
    if (!reported) wrongs.push(`info JSON does not report the ${bad} NaN/Inf samples (${repaired(a)} repaired by the decoder)`)
  }
  const reference = crossCheck(a.format.container, input.path, input.dir, s)
  // On a valid file the trusted decoder is ground truth: a disagreement is ours to explain.
  if (input.valid && reference.agree === false) wrongs.push(`valid file, but ${reference.detail}`)
  return judged(wrongs, `${a.format.container} ${s.sampleRate} Hz ${s.channels} ch ${s.frames} frames`, reference)
}
