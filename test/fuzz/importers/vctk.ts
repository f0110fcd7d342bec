/*
 * VCTK importer cases over copies of test/fixtures/vctk/v080 (WAV) and v092 (FLAC, mic1/mic2): one
 * take damaged by an audio mutation, emptied or replaced by random bytes; a take left with only its
 * mic2 file (issue 12, kind 2); a speaker's folder or the audio folder removed; the speaker list or
 * a transcript under text mutations.
 */
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FIXTURES } from '../corpus'
import { textMutations } from '../mutations/text'
import type { FuzzRng } from '../random'
import { clipWrongs } from '../targets/clip-checks'
import type { ImportCase, ImportCaseContext } from './context'
import { freshCopy, mutateAudioFile } from './dataset-files'

/** Every VCTK mutation name (audio ones are tallied as `vctk-audio:<name>`, text ones by file). */
export const VCTK_MUTATION_NAMES = ['vctk-audio', 'vctk-zero-byte', 'vctk-random-bytes', 'vctk-mic2-only', 'vctk-missing-speaker-folder', 'vctk-no-audio-folder', 'vctk-no-speaker-info', 'vctk-speaker-info', 'vctk-transcript']

type Part = { mutation: string; note: string; valid: boolean; mustUse?: string[]; mustNotUse?: string[] }

/** The audio files of a VCTK copy: path, the take's key, and the speaker folder. */
function takes(dir: string): { path: string; key: string; folder: string }[] {
  const audio = readdirSync(dir).find((d) => d.startsWith('wav48'))
  if (!audio) return []
  return readdirSync(join(dir, audio))
    .sort()
    .flatMap((spk) =>
      readdirSync(join(dir, audio, spk))
        .sort()
        .map((name) => ({ path: join(dir, audio, spk, name), key: name.replace(/(_mic[12])?\.(wav|flac)$/, '').toLowerCase(), folder: join(dir, audio, spk) }))
    )
}

function damage(dir: string, v092: boolean, rng: FuzzRng, kind: string): Part | null {
  const all = takes(dir)
  const t = rng.pick(all.filter((x) => !x.path.includes('_mic2')))
  switch (kind) {
    case 'vctk-audio': {
      const m = mutateAudioFile(t.path, rng)
      return m && { mutation: `vctk-audio:${m.name}`, note: `${t.key}: ${m.note}`, valid: true, mustUse: m.valid ? [t.key] : [] }
    }
    case 'vctk-zero-byte':
      writeFileSync(t.path, new Uint8Array(0))
      // A 0.92 take with a mic2 file may fall back to it; a 0.80 take has no other file.
      return { mutation: kind, note: t.key, valid: true, mustNotUse: all.some((x) => x.key === t.key && x.path !== t.path) ? [] : [t.key] }
    case 'vctk-random-bytes': {
      const n = rng.range(10, 5000)
      writeFileSync(t.path, rng.bytes(n))
      return { mutation: kind, note: `${t.key}: ${n} random bytes`, valid: true }
    }
    case 'vctk-mic2-only': {
      if (!v092) return null
      // Only the mic2 file of the take is left: an existing one, or the mic1 file renamed.
      const mic2 = t.path.replace('_mic1', '_mic2')
      if (all.some((x) => x.path === mic2)) rmSync(t.path)
      else renameSync(t.path, mic2)
      return { mutation: kind, note: t.key, valid: true, mustUse: [t.key] }
    }
    case 'vctk-missing-speaker-folder':
      rmSync(t.folder, { recursive: true })
      return { mutation: kind, note: t.folder.slice(dir.length + 1), valid: true }
    case 'vctk-no-audio-folder':
      rmSync(join(dir, v092 ? 'wav48_silence_trimmed' : 'wav48'), { recursive: true })
      return { mutation: kind, note: 'audio folder removed', valid: false }
    case 'vctk-no-speaker-info':
      rmSync(join(dir, 'speaker-info.txt'))
      return { mutation: kind, note: 'speaker-info.txt removed', valid: false }
    default: {
      const m = rng.pick(textMutations)
      // Some speakers have no transcripts (p315 in VCTK): pick among the takes that have one.
      const transcript = (key: string): string => join(dir, 'txt', key.split('_')[0]!, `${key}.txt`)
      const file = kind === 'vctk-speaker-info' ? join(dir, 'speaker-info.txt') : transcript(rng.pick(all.filter((x) => existsSync(transcript(x.key)))).key)
      const r = m.apply(readFileSync(file, 'utf8'), rng)
      writeFileSync(file, r.bytes)
      // Transcripts are free text: no content of theirs may fail an import.
      const valid = kind === 'vctk-transcript' || r.valid === true || ['bom', 'duplicate-line', 'blank-lines'].includes(m.name)
      return { mutation: `${kind}:${m.name}`, note: `${file.slice(dir.length + 1)}: ${r.note}`, valid }
    }
  }
}

/** Writes the pristine 0.80 or 0.92 copy for the base library; returns the import command line. */
export function pristineVctk(dir: string, v092: boolean): string[] {
  freshCopy(v092 ? FIXTURES.vctk092 : FIXTURES.vctk080, dir)
  return ['import-vctk', dir]
}

/** One VCTK importer case (null when the mutation picked did not apply). */
export function vctkCase(ctx: ImportCaseContext & { v092: boolean; base?: Record<string, unknown> }): ImportCase | null {
  const { rng } = ctx
  const dir = ctx.datasetDir
  freshCopy(ctx.v092 ? FIXTURES.vctk092 : FIXTURES.vctk080, dir)
  const part = damage(dir, ctx.v092, rng, rng.pick(VCTK_MUTATION_NAMES))
  if (!part) return null
  return {
    mutation: part.mutation,
    seedFile: ctx.v092 ? 'test/fixtures/vctk/v092' : 'test/fixtures/vctk/v080',
    note: part.note,
    prepared: {
      argv: ['import-vctk', dir],
      names: [dir],
      valid: part.valid,
      async check(lib, report) {
        const wrongs = await clipWrongs(lib, Number(report.datasetId), part)
        if (part.valid && part.mutation.startsWith('vctk-speaker-info:') && ctx.base && report.speakers !== ctx.base.speakers) {
          wrongs.push(`valid speaker list read as ${String(report.speakers)} speakers, the pristine one as ${String(ctx.base.speakers)}`)
        }
        return wrongs
      }
    }
  }
}
