/*
 * The seed corpus, built at run time: the committed fixtures (test/fixtures/audio, mtat, vctk,
 * glove) and small valid files generated here (every WAV encoding, FLAC layouts including rate code
 * 0000, a GloVe table). Deterministic, so `seed:case` replays the same bytes.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeTestFlac, type FlacSpec } from './formats/flac-write'
import { writeTestWav, type WavSpec } from './formats/wav-write'
import type { AudioKind, Seed } from './mutations/types'

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** Committed fixture folders the importer cases copy. */
export const FIXTURES = {
  audio: join(ROOT, 'test/fixtures/audio'),
  mtat: join(ROOT, 'test/fixtures/mtat/dataset'),
  vctk080: join(ROOT, 'test/fixtures/vctk/v080'),
  vctk092: join(ROOT, 'test/fixtures/vctk/v092'),
  glove: join(ROOT, 'test/fixtures/glove/glove.fixture.8d.txt')
}

/** Fixture files that are invalid on purpose (their own tests cover them): not seeds. */
const NOT_SEEDS = new Set(['empty.wav', 'truncated-header.wav', 'zero-samples.wav', 'adpcm.wav', 'random.mp3', 'id3-no-frames.mp3'])
const KIND_OF: Record<string, AudioKind> = { '.wav': 'wav', '.flac': 'flac', '.mp3': 'mp3', '.ogg': 'ogg' }

const WAVS: [string, WavSpec][] = [
  ['gen-u8-mono-8k.wav', { encoding: 'pcm8', channels: 1, sampleRate: 8000, frames: 1500 }],
  ['gen-s16-stereo-list.wav', { encoding: 'pcm16', channels: 2, sampleRate: 44100, frames: 2205, listChunk: true }],
  ['gen-s24-3ch-ext.wav', { encoding: 'pcm24', channels: 3, sampleRate: 48000, frames: 1000, extensible: true }],
  ['gen-s32-rifx.wav', { encoding: 'pcm32', channels: 2, sampleRate: 22050, frames: 1103, bigEndian: true }],
  ['gen-f32-stereo.wav', { encoding: 'f32', channels: 2, sampleRate: 44100, frames: 2000 }],
  ['gen-f64-mono-16k.wav', { encoding: 'f64', channels: 1, sampleRate: 16000, frames: 1600 }],
  ['gen-f32-6ch-ext.wav', { encoding: 'f32', channels: 6, sampleRate: 48000, frames: 480, extensible: true }]
]

const FLACS: [string, FlacSpec][] = [
  ['gen-s16-stereo.flac', { channels: 2, bits: 16, sampleRate: 44100, frames: 3000, blockSize: 1152 }],
  ['gen-s24-mono-rate0.flac', { channels: 1, bits: 24, sampleRate: 48000, frames: 2000, blockSize: 4096, rateFromStreaminfo: true }],
  ['gen-s8-3ch.flac', { channels: 3, bits: 8, sampleRate: 12345, frames: 700, blockSize: 256 }],
  ['gen-s16-6ch-96k.flac', { channels: 6, bits: 16, sampleRate: 96000, frames: 960, blockSize: 192, padding: 64 }],
  ['gen-s12-mono-22k.flac', { channels: 1, bits: 12, sampleRate: 22050, frames: 1000, blockSize: 576 }]
]

/** A few dataset audio files, as seeds of their own (what the importers read). */
const DATASET_AUDIO = [
  join(FIXTURES.mtat, '2/fixture_band-flute_album-00-flute_fast-0-29.mp3'),
  join(FIXTURES.vctk080, 'wav48/p225/p225_001.wav'),
  join(FIXTURES.vctk092, 'wav48_silence_trimmed/p225/p225_001_mic1.flac')
]

/** Every audio seed, in a fixed order. */
export function audioSeeds(): Seed<AudioKind>[] {
  const fromDisk = (path: string, name: string): Seed<AudioKind> => ({ name, kind: KIND_OF[extname(path)]!, bytes: new Uint8Array(readFileSync(path)) })
  const fixtures = readdirSync(FIXTURES.audio)
    .filter((n) => KIND_OF[extname(n)] !== undefined && !NOT_SEEDS.has(n))
    .sort()
    .map((n) => fromDisk(join(FIXTURES.audio, n), n))
  return [
    ...fixtures,
    ...DATASET_AUDIO.map((p) => fromDisk(p, p.slice(ROOT.length))),
    ...WAVS.map(([name, spec]): Seed<AudioKind> => ({ name, kind: 'wav', bytes: writeTestWav(spec) })),
    ...FLACS.map(([name, spec]): Seed<AudioKind> => ({ name, kind: 'flac', bytes: writeTestFlac(spec) }))
  ]
}
