import { basename } from 'node:path'
import { decodeFile } from '../../../src-main/audio/decode'
import { loadMonoNoted } from '../../../src-main/audio/load'
import { takeOutput, userLines } from '../capture'
import { classifyError } from '../classify'
import { audioWrongs, repaired, shapeOf } from '../oracles/audio'
import type { AudioInput } from './audio-input'
import { judged, refusal, type Verdict } from './verdict'

type StyleModule = typeof import('../../../src-main/engine/style/stylize')
let style: StyleModule | undefined

/** The engine's stylize module, loaded on first use (it brings TensorFlow.js with it). */
async function styleModule(): Promise<StyleModule> {
  style ??= await import('../../../src-main/engine/style/stylize')
  return style
}

/**
 * How the stylize job reads an input: loadMonoNoted at the method's rate (texture or gram), then
 * the engine's own input check (checkSignal, which stylize() runs first). The mono signal must have
 * round(frames x rate / file rate) samples, all finite; NaN/Inf the decoder repaired must come
 * with a note naming the file; nothing may be printed on the way.
 */
export async function runStylizeLoad(input: AudioInput, method: 'texture' | 'gram'): Promise<Verdict> {
  const { methodSampleRate, checkSignal } = await styleModule()
  const rate = methodSampleRate(method)
  takeOutput()
  let x: Float32Array
  let notes: string[]
  try {
    ;({ samples: x, notes } = await loadMonoNoted(input.path, rate))
  } catch (err) {
    return refusal(classifyError(err, [input.path, basename(input.path)]), undefined, input.valid)
  }
  const chatter = userLines(takeOutput().stderr)
  if (chatter.length > 0) return { outcome: 'CRASH', detail: `stderr chatter while loading: ${chatter.slice(0, 3).join(' | ')}` }
  try {
    checkSignal(x, 'content')
  } catch (err) {
    return refusal(classifyError(err, ['content']), undefined, false)
  }
  const a = await decodeFile(input.path)
  const s = shapeOf(a)
  const wrongs = await audioWrongs(input.bytes, input.path, a, input.expected)
  const want = s.sampleRate === rate ? s.frames : Math.round((s.frames * rate) / s.sampleRate)
  if (repaired(a) > 0 && !notes.some((n) => n.includes(input.path))) wrongs.push(`${repaired(a)} NaN/Inf samples repaired without a note naming the file`)
  if (x.length !== want) wrongs.push(`loadMono gave ${x.length} samples at ${rate} Hz for ${s.frames} frames at ${s.sampleRate} Hz (expected ${want})`)
  return judged(wrongs, `${x.length} samples at ${rate} Hz`)
}
