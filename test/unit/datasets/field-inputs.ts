/**
 * The smallest inputs of issue 12's dataset kinds, built in a temporary folder from the committed
 * fixtures: MagnaTagATune rows whose MP3 is empty or random bytes (kind 1), a VCTK 0.92 copy with
 * only a mic2 take (kind 2), GloVe with a word2vec header line (kind 5), and VCTK 0.80 WAVs whose
 * data size is the true one, 0x7FFFFFFF or 0 (kind 6).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { encodeWav } from '../../../src-main/audio/index'
import { createRng } from '../../../src-main/util/random'

const MTAT = resolve('test/fixtures/mtat/dataset')
const V092 = resolve('test/fixtures/vctk/v092')

/** Clip ids of the kind-1 folder: 35644 is one of the real archive's three zero-byte MP3s. */
export const MTAT_CLIPS = { good: '2', empty: '35644', random: '57881' } as const

/** Size of the random-bytes "MP3": a few thousand bytes, as the input. */
const RANDOM_BYTES = 4000

/** Kind 1: annotations_final.csv with three rows, one good MP3, one zero-byte, one of random bytes. */
export function mtatThreeRows(root: string): string {
  mkdirSync(join(root, '0'), { recursive: true })
  copyFileSync(join(MTAT, '0', 'fixture_band-flute_album-08-flute_slow-0-29.mp3'), join(root, '0', 'good.mp3'))
  writeFileSync(join(root, '0', 'empty.mp3'), new Uint8Array(0))
  const rng = createRng(12)
  writeFileSync(join(root, '0', 'random.mp3'), Uint8Array.from({ length: RANDOM_BYTES }, () => Math.floor(rng.uniform() * 256)))
  const q = (cells: string[]): string => cells.map((c) => `"${c}"`).join('\t')
  const lines = [
    q(['clip_id', 'guitar', 'rock', 'mp3_path']),
    q([MTAT_CLIPS.good, '1', '0', '0/good.mp3']),
    q([MTAT_CLIPS.empty, '1', '1', '0/empty.mp3']),
    q([MTAT_CLIPS.random, '0', '1', '0/random.mp3'])
  ]
  writeFileSync(join(root, 'annotations_final.csv'), lines.join('\r\n') + '\r\n')
  return root
}

/** Kind 2: a VCTK 0.92 folder whose one utterance has only a mic2 take, its transcript, and a one-line speaker-info. */
export function vctkMic2Only(root: string): string {
  mkdirSync(join(root, 'wav48_silence_trimmed', 'p225'), { recursive: true })
  mkdirSync(join(root, 'txt', 'p225'), { recursive: true })
  copyFileSync(join(V092, 'wav48_silence_trimmed', 'p225', 'p225_001_mic1.flac'), join(root, 'wav48_silence_trimmed', 'p225', 'p225_001_mic2.flac'))
  writeFileSync(join(root, 'txt', 'p225', 'p225_001.txt'), 'Please call Stella.\n')
  writeFileSync(join(root, 'speaker-info.txt'), 'p225  23  F    English    Southern  England\n')
  return root
}

/** Rate of the kind-6 WAVs; each holds exactly one second. */
export const DATASIZE_RATE = 16000

/** Kind 6: a VCTK 0.80 folder of three 1 s WAVs whose data chunks state the true size, 0x7FFFFFFF and 0. */
export function vctkDataSizes(root: string): string {
  mkdirSync(join(root, 'wav48', 'p225'), { recursive: true })
  writeFileSync(join(root, 'speaker-info.txt'), 'ID  AGE  GENDER  ACCENTS  REGION\n225  23  F    English    Southern  England\n')
  const tone = Float32Array.from({ length: DATASIZE_RATE }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / DATASIZE_RATE))
  const stated = [undefined, 0x7fffffff, 0]
  stated.forEach((size, i) => {
    const wav = encodeWav([tone], DATASIZE_RATE)
    // A plain 16-bit mono header: the data chunk's id at 36, its size at 40.
    if (String.fromCharCode(...wav.subarray(36, 40)) !== 'data') throw new Error('encodeWav header layout changed')
    if (size !== undefined) new DataView(wav.buffer).setUint32(40, size, true)
    writeFileSync(join(root, 'wav48', 'p225', `p225_00${i + 1}.wav`), wav)
  })
  return root
}

/** Kind 5: the GloVe file with a word2vec-style "count dimension" first line. */
export const GLOVE_WITH_HEADER = '2 3\nthe 0.1 0.2 0.3\nof 0.4 0.5 0.6\n'
