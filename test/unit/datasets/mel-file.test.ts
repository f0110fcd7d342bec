/**
 * The log-mel file: what `mel` writes reads back identically (and is plain JSON), frames of an audio
 * file equal melFrames of its decoded samples, and a file written with other settings (rate, hop,
 * width) or not a log-mel file at all is refused in one line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConditioning, readMelFile, writeMelFile } from '../../../src-main/datasets/mel-file'
import { defaultMelSettings, melFrames } from '../../../src-main/dsp/mel-frames'
import { writeWav } from '../../../src-main/audio/wav'

const dir = mkdtempSync(join(tmpdir(), 'eb-mel-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const S = defaultMelSettings(8000, { bands: 12 })
const X = Float32Array.from({ length: 1000 }, (_, i) => 0.4 * Math.sin(i * 0.31) * Math.min(1, i / 300))

describe('log-mel files', () => {
  it('round trip: the header and the frames read back as written, in plain JSON', async () => {
    const f = melFrames(X, S)
    const path = join(dir, 'x.json')
    await writeMelFile(path, S, f, X.length)
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { format: string; frames: number[][]; hop: number }
    expect(doc).toMatchObject({ format: 'electric-beats/log-mel', version: 1, sampleRate: 8000, hop: 128, bands: 12, samples: 1000 })
    expect(doc.frames).toHaveLength(8)
    const back = await readMelFile(path)
    expect(back.settings).toEqual(S)
    expect(back.conditioning).toMatchObject({ frames: 8, samples: 1000, source: 'mel-file' })
    expect(back.conditioning.data).toEqual(f.data)
    expect(await loadConditioning(path, S)).toEqual(back.conditioning)
  })

  it('a file that cannot be written is refused in one line naming it and the reason (not the temp file)', async () => {
    const blocker = join(dir, 'a-file')
    writeFileSync(blocker, 'x')
    const path = join(blocker, 'm.json')
    await expect(writeMelFile(path, S, melFrames(X, S), X.length)).rejects.toThrow(new RegExp(`^${path.replace(/[.\\/]/g, '\\$&')}: cannot write \\(part of the path is a file, not a folder\\)$`))
  })

  it('an audio file gives melFrames of its samples at the model rate', async () => {
    const wav = join(dir, 'x.wav')
    await writeWav(wav, [X], 8000, { float: true })
    const c = await loadConditioning(wav, S)
    expect(c).toMatchObject({ frames: 8, samples: 1000, source: 'audio' })
    expect(c.data).toEqual(melFrames(X, S).data)
  })

  it('another rate, hop or width, a foreign JSON and missing frames are refused in one line', async () => {
    const write = async (name: string, s: typeof S): Promise<string> => {
      const path = join(dir, name)
      await writeMelFile(path, s, melFrames(X, s), X.length)
      return path
    }
    const hop = await write('hop.json', defaultMelSettings(8000, { bands: 12, hop: 64 }))
    await expect(loadConditioning(hop, S)).rejects.toThrow(/hop\.json: log-mel at hop 64 \(the model's 128\); write it again with `mel --model` for this model$/)
    const bands = await write('bands.json', defaultMelSettings(8000, { bands: 10 }))
    await expect(loadConditioning(bands, S)).rejects.toThrow(/bands\.json: log-mel at bands 10 \(the model's 12\)/)
    const rate = await write('rate.json', { ...defaultMelSettings(16000, { bands: 12, hop: 128 }) })
    await expect(loadConditioning(rate, S)).rejects.toThrow(/rate\.json: log-mel at rate 16000 Hz \(the model's 8000\)/)
    const foreign = join(dir, 'foreign.json')
    writeFileSync(foreign, '{"a": 1}')
    await expect(loadConditioning(foreign, S)).rejects.toThrow(/foreign\.json: not a log-mel file \(format is not "electric-beats\/log-mel"/)
    const cut = join(dir, 'cut.json')
    const doc = JSON.parse(readFileSync(join(dir, 'x.json'), 'utf8')) as { frames: unknown[] }
    writeFileSync(cut, JSON.stringify({ ...doc, frames: doc.frames.slice(1) }))
    await expect(loadConditioning(cut, S)).rejects.toThrow(/cut\.json: 7 frames, but 1000 samples at hop 128 make 8$/)
    await expect(loadConditioning(join(dir, 'none.json'), S)).rejects.toThrow(/none\.json: file not found$/)
    // A device named as the file is refused unread (it would be read without end).
    const zero = join(dir, 'zero.json')
    symlinkSync('/dev/zero', zero)
    await expect(loadConditioning(zero, S)).rejects.toThrow(/^log-mel file .*zero\.json: not a regular file$/)
  })
})
