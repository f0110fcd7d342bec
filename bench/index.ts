/**
 * `npm run bench`: every performance figure of the project, on the backend initBackend chooses
 * (EB_BACKEND or --backend overrides), with the PyTorch peers of ../shared/peers/ beside ours where
 * Debian's python3-torch is installed. Prints one table per section on stderr and a comparison
 * table, writes bench/results.json (atomically), and with --json prints one JSON object as the
 * last stdout line (at least `backend`, `taggerStepMs`, `textureTransfer10sMs`).
 *
 *   npm run bench -- [SECTION...] [--json] [--only dsp,engine,library,style,training,match,wavenet,wavenet-speakers,wavenet-vocoder,vae,fuzz] [--no-peers] [--backend NAME]
 *   npm run bench -- match [--match-all | --match-only]   (texture and gram on every vocal-match case, or none)
 *   npm run bench -- wavenet-speakers [--speakers-minutes M] [--speakers-rate HZ] [--speakers-seconds S] [--speakers-keep]
 *   npm run bench -- wavenet-vocoder [--vocoder-epochs N] [--vocoder-minutes M] [--vocoder-keep]   (trains a mel-conditioned WaveNet; not a default section)
 *   npm run bench -- vae [--vae-epochs N] [--vae-k K] [--vae-iwae-limit N]   (the MNIST VAE; not a default section)
 *   npm run bench -- vlae [--vlae-minutes M] [--vlae-seconds S] [--vlae-stacks N --vlae-layers-per-stack N] [--vlae-keep] | vlae --vlae-library DIR --vlae-checkpoint ID   (the audio VLAE and latent explorer; not a default section)
 *   npm run bench -- fuzz [--fuzz-cases N] [--fuzz-seconds S] [--fuzz-seed N] [--fuzz-workers N]
 *   npm run bench -- reliability [--seed N] [--reliability-scale ci|full]   (faults, doors, soak: bench/reliability; not a default section)
 *
 * Targets live here, never in timed tests. The peer at its own defaults (4096 filters, 300 L-BFGS
 * iterations) takes many minutes on two cores; --no-peers skips every peer run. Sections are named
 * with --only or as bare words; without either, every section but fuzz and wavenet-speakers runs (the fuzz
 * campaign takes up to 15 minutes on its own: bench/fuzz.ts; wavenet-speakers trains for 15).
 */
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { initBackend } from '../src-main/engine/backend'
import { writeFileAtomic } from '../src-main/util/atomic-write'
import { benchDsp } from './dsp'
import { benchEngine } from './engine'
import { benchFuzz, FUZZ_OPTIONS, fuzzOptions } from './fuzz'
import { benchLibrary } from './library'
import { benchMatch, type MatchSummary } from './match'
import { benchStyle, peerAvailable } from './style'
import { benchTraining } from './training'
import { benchWavenet } from './wavenet'
import { benchWavenetSpeakers, SPEAKERS_OPTIONS, speakersOptions } from './wavenet-speakers'
import { benchWavenetVocoder, VOCODER_OPTIONS, vocoderOptions } from './wavenet-vocoder'
import { benchVae, VAE_OPTIONS, vaeOptions } from './vae'
import { benchVlae, VLAE_OPTIONS, vlaeBenchOptions } from './vlae'
import { benchReliability, RELIABILITY_OPTIONS, reliabilityOptions, type ReliabilityRecord } from './reliability/index'

const SECTIONS = ['dsp', 'engine', 'library', 'style', 'training', 'match', 'wavenet', 'wavenet-speakers', 'wavenet-vocoder', 'vae', 'vlae', 'fuzz', 'reliability'] as const
type Section = (typeof SECTIONS)[number]
/** What runs when no section is named: all but the long fuzz campaign. */
const DEFAULT_SECTIONS: readonly Section[] = ['dsp', 'engine', 'library', 'style', 'training', 'match', 'wavenet']

/** The conv1d shapes bench/engine.ts times against stock wasm. */
const CONV_SHAPES = ['texture', 'taggerFrame', 'taggerBlock1', 'taggerBlock2']

/** Ours against the peer: [label, our key, peer key, target]. */
const VERSUS: [string, string, string, string][] = [
  ['tagger training step (ms, median)', 'taggerStepMs', 'peerTaggerStepMs', 'ours <= 5x peer'],
  ['tagger training throughput (clips/s, best of 1 and 2 threads)', 'taggerClipsPerSecond', 'peerTaggerClipsPerSecond', 'ours / peer >= 0.67'],
  ['texture 10 s, same settings, fixed step (ms)', 'textureFixedStep10sMs', 'peerSameSettingsMs', 'ours <= 3x peer'],
  ['texture 10 s vs peer defaults (ms)', 'textureTransfer10sMs', 'peerDefaultsMs', 'ours < peer'],
  ['style distance reduction (%)', 'textureStyleReductionPct', 'peerDefaultsStyleReductionPct', 'ours >= peer'],
  ['texture on speech content, style distance reduction (%, mean of 3 pairs, same settings)', 'textureSpeechReductionPct', 'peerSpeechReductionPct', 'ours >= peer']
]

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`)
  process.exit(2)
}

/** Sections from --only (comma-separated) and bare positional names together; none named: the defaults. */
function parseSections(raw: string | undefined, positionals: string[]): Section[] {
  const names = [...(raw ?? '').split(','), ...positionals].map((s) => s.trim()).filter(Boolean)
  if (names.length === 0) return [...DEFAULT_SECTIONS]
  for (const n of names) if (!(SECTIONS as readonly string[]).includes(n)) fail(`unknown section "${n}" (valid: ${SECTIONS.join(', ')})`)
  return [...new Set(names)] as Section[]
}

/** A fixed-width text table. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '-'
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)
}

async function main(): Promise<void> {
  let args
  let positionals: string[]
  try {
    const parsed = parseArgs({
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        only: { type: 'string' },
        'no-peers': { type: 'boolean', default: false },
        backend: { type: 'string' },
        'match-all': { type: 'boolean', default: false },
        'match-only': { type: 'boolean', default: false },
        ...FUZZ_OPTIONS,
        ...SPEAKERS_OPTIONS,
        ...VOCODER_OPTIONS,
        ...VAE_OPTIONS,
        ...VLAE_OPTIONS,
        ...RELIABILITY_OPTIONS
      }
    })
    args = parsed.values
    positionals = parsed.positionals
  } catch (err) {
    fail((err as Error).message)
  }
  const sections = parseSections(args.only, positionals)
  let fuzz
  let speakers
  let vocoder
  let vae
  let vlae
  let reliabilityOpts
  try {
    fuzz = fuzzOptions(args)
    speakers = speakersOptions(args)
    vocoder = vocoderOptions(args)
    vae = vaeOptions(args)
    vlae = vlaeBenchOptions(args)
    reliabilityOpts = reliabilityOptions(args)
  } catch (err) {
    fail((err as Error).message)
  }
  const backend = await initBackend(args.backend).catch((err: Error) => fail(err.message))
  const peers = !args['no-peers'] && peerAvailable()
  const peerNote = args['no-peers']
    ? 'peers skipped (--no-peers)'
    : peers
      ? 'peers: PyTorch scripts in ../shared/peers (python3-torch), 2 threads'
      : 'peers skipped: /usr/bin/python3 with torch, scipy and soundfile not found (apt-get install python3-torch python3-scipy python3-soundfile)'
  process.stderr.write(`backend: ${backend.name} (${backend.chosenBecause})\n${peerNote}\n`)

  const results: Record<string, number> = {}
  const perSection: Partial<Record<Section, Record<string, number>>> = {}
  let match: MatchSummary | undefined
  let reliability: ReliabilityRecord | undefined
  for (const section of sections) {
    process.stderr.write(`\n[${section}] running...\n`)
    const t0 = performance.now()
    const r =
      section === 'reliability'
        ? await benchReliability(reliabilityOpts).then((x) => ((reliability = x.reliability), x.figures))
        : section === 'dsp'
        ? await benchDsp()
        : section === 'engine'
          ? await benchEngine({ peers })
          : section === 'library'
            ? await benchLibrary()
            : section === 'fuzz'
              ? await benchFuzz(fuzz)
              : section === 'training'
                ? await benchTraining({ peers })
                : section === 'match'
                  ? await benchMatch({ all: args['match-all'], matchOnly: args['match-only'] }).then((m) => ((match = m.match), m.figures))
                  : section === 'wavenet'
                    ? await benchWavenet()
                    : section === 'wavenet-speakers'
                      ? await benchWavenetSpeakers(speakers)
                      : section === 'wavenet-vocoder'
                        ? await benchWavenetVocoder(vocoder)
                        : section === 'vae'
                          ? await benchVae(vae)
                        : section === 'vlae'
                          ? await benchVlae(vlae)
                    : await benchStyle({ peers })
    perSection[section] = r
    Object.assign(results, r)
    process.stderr.write(`${table(['figure', 'value'], Object.entries(r).map(([k, v]) => [k, fmt(v)]))}\n`)
    process.stderr.write(`[${section}] ${((performance.now() - t0) / 1000).toFixed(0)} s\n`)
  }

  const rows = VERSUS.filter(([, ours]) => results[ours] !== undefined).map(([label, ours, peer, target]) => {
    const o = results[ours]
    const p = results[peer]
    return [label, fmt(o), p === undefined ? 'skipped' : fmt(p), p === undefined ? '-' : fmt(o! / p), target]
  })
  if (rows.length > 0) process.stderr.write(`\n${table(['ours vs PyTorch peer', 'ours', 'peer', 'ratio', 'target'], rows)}\n`)

  const convRows = CONV_SHAPES.filter((k) => results[`${k}AllThreeSpeedup`] !== undefined).flatMap((k) => {
    const stockIn = results[`${k}ForwardStockMs`]! + results[`${k}InputGradStockMs`]!
    const stockAll = stockIn + results[`${k}FilterGradStockComposedMs`]!
    return [
      [`${k}: forward + input gradient (ms)`, fmt(results[`${k}OpForwardInputGradMs`]!), fmt(stockIn), fmt(results[`${k}ForwardInputGradSpeedup`]!), '>= 8x'],
      [`${k}: forward + both gradients (ms)`, fmt(results[`${k}OpAllThreeMs`]!), fmt(stockAll), fmt(results[`${k}AllThreeSpeedup`]!), '>= 8x']
    ]
  })
  if (convRows.length > 0) {
    process.stderr.write(`\n${table(['conv1d, ours vs stock wasm', 'ours', 'stock', 'speedup', 'target'], convRows)}\n`)
    process.stderr.write('stock has no filter-gradient kernel: its column uses the gradient written as a stock Conv2D (bench/engine.ts)\n')
  }

  const record = {
    backend: backend.name,
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    peers: peers ? 'pytorch' : 'skipped',
    sections: perSection,
    ...results,
    ...(match && { match }),
    ...(reliability && { reliability })
  }
  const out = fileURLToPath(new URL('./results.json', import.meta.url))
  await writeFileAtomic(out, JSON.stringify(record, null, 2) + '\n')
  process.stderr.write(`\nwrote ${out}\n`)
  if (args.json) {
    const { sections: _omit, ...flat } = record
    process.stdout.write(JSON.stringify(flat) + '\n')
  }
}

await main()
