import { mkdir, readdir, stat } from 'node:fs/promises'
import { dirname, extname, join, resolve } from 'node:path'
import type { LatentCode } from '../../../src-preload/api'
import { closeJobPool } from '../../api/jobs'
import { LATENT_BIAS_RANGE, LATENT_SCALE_RANGE, latentValueProblem } from '../../api/latent-bounds'
import { decodeLatent, encodeLatent, interpolateLatents, readLatentCode, sampleLatent, writeLatentCode, type DecodedLatent } from '../../api/latents'
import { resolveDataDir } from '../../library/data-dir'
import { isJobCancelled } from '../../jobs/errors'
import { UserError } from '../../util/errors'
import { CliUsageError, boolFlag, numberFlag, stringFlag, type Command, type CommandContext } from '../command'
import { checkOutputPath } from '../output-path'
import { dataDirOption, positiveIntFlag } from './data-dir'

const SUBCOMMANDS = ['encode', 'sample', 'interpolate', 'decode'] as const
type Sub = (typeof SUBCOMMANDS)[number]

/** Most codes in one interpolation: 1,000 steps of a 16-latent walk are already finer than anyone hears. */
const MAX_STEPS = 1000

/**
 * Per-dimension values of repeated `--bias i=v` / `--scale i=v` flags over `latents` dimensions, the
 * rest `fill` (0 for bias, 1 for scale); undefined when the flag is not given. Refuses, naming the
 * flag, an entry that is not `i=v`, an index outside 0..latents-1 or given twice, a value that is not
 * a finite number or is outside the flag's sanity range (bias ±50, scale ±10: api/latent-bounds.ts).
 */
export function perDimension(entries: readonly string[] | undefined, latents: number, fill: number, flag: 'bias' | 'scale'): number[] | undefined {
  if (entries === undefined || entries.length === 0) return undefined
  const out = new Array<number>(latents).fill(fill)
  const seen = new Set<number>()
  for (const entry of entries) {
    const m = /^\s*(\d+)\s*=\s*(\S+)\s*$/.exec(entry)
    if (!m) throw new CliUsageError(`--${flag} ${entry}: not DIMENSION=VALUE (e.g. --${flag} 3=0.5)`)
    const i = Number(m[1])
    const v = Number(m[2])
    if (i >= latents) throw new UserError(`--${flag} ${entry}: dimension ${i} is not in 0..${latents - 1} (the code has ${latents} latents)`)
    if (seen.has(i)) throw new CliUsageError(`--${flag} ${entry}: dimension ${i} is given twice`)
    if (!Number.isFinite(v)) throw new CliUsageError(`--${flag} ${entry}: "${m[2]}" is not a finite number`)
    const outside = latentValueProblem(i, v, flag === 'bias' ? LATENT_BIAS_RANGE : LATENT_SCALE_RANGE)
    if (outside !== null) throw new UserError(`--${flag} ${entry}: ${outside}`)
    seen.add(i)
    out[i] = v
  }
  return out
}

/** The data dir of the command (--data-dir, else EB_DATA_DIR, else the app-data folder). */
const dataDirOf = (ctx: CommandContext): string => resolveDataDir(stringFlag(ctx, 'data-dir'))

function modelFlag(ctx: CommandContext, sub: Sub): number {
  const modelId = positiveIntFlag(ctx, 'model')
  if (modelId === undefined) throw new CliUsageError(`latent ${sub}: --model ID is required (a VLAE's id; \`models\` lists them)`)
  return modelId
}

/** Refuses a code output path that is not .json, or whose folder does not exist. */
async function checkCodeOut(out: string): Promise<void> {
  if (extname(out).toLowerCase() !== '.json') throw new UserError(`${out}: a latent code is written as JSON; give the file a .json name`)
  await checkOutputPath(out, [])
}

/** One line about a code: where it came from, its model and z (rounded for reading; the file keeps every digit). */
function describeCode(c: LatentCode): string {
  const z = c.z.map((v) => v.toFixed(3)).join(' ')
  return `${c.source}: model ${c.modelId}, checkpoint ${c.checkpointId} (${c.model}); z = [${z}]`
}

/** Writes the code to --out when given and prints it; the JSON result is the code itself. */
async function emitCode(ctx: CommandContext, code: LatentCode, out: string | undefined): Promise<Record<string, unknown>> {
  ctx.print(describeCode(code))
  if (out !== undefined) {
    await writeLatentCode(resolve(out), code)
    ctx.print(`wrote ${resolve(out)}`)
  }
  return { ...code, ...(out !== undefined && { out: resolve(out) }) }
}

/** Decodes with a progress bar; Ctrl-C cancels, leaving no file. */
async function decodeWithBar(ctx: CommandContext, req: Parameters<typeof decodeLatent>[0], label: string): Promise<DecodedLatent> {
  const bar = ctx.progress(label, 1)
  const abort = new AbortController()
  const onInterrupt = (): void => abort.abort()
  process.once('SIGINT', onInterrupt)
  try {
    return await decodeLatent(
      req,
      {
        signal: abort.signal,
        onProgress: (p) => {
          bar.setTotal(p.total)
          bar.update(p.step, { ...(p.phase !== undefined && { phase: p.phase }) }, p.etaMs)
        }
      },
      '--'
    )
  } catch (err) {
    if (!isJobCancelled(err)) throw err
    throw new UserError('latent decode: cancelled, nothing written')
  } finally {
    process.off('SIGINT', onInterrupt)
    bar.stop()
  }
}

/** The figures a decode prints. */
function describeDecode(r: DecodedLatent): string {
  return `${r.samples} samples at ${r.sampleRate} Hz (${(r.samples / r.sampleRate).toFixed(2)} s) in ${(r.wallMs / 1000).toFixed(2)} s: ${r.xRealtime.toFixed(2)}x realtime (${Math.round(r.samplesPerSecond)} samples/s generating)`
}

function secondsFlag(ctx: CommandContext, sub: Sub): number {
  const seconds = numberFlag(ctx, 'seconds')
  if (seconds === undefined) throw new CliUsageError(`latent ${sub}: --seconds S is required`)
  return seconds
}

function seedFlag(ctx: CommandContext): number | undefined {
  const seed = numberFlag(ctx, 'seed')
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) throw new CliUsageError(`--seed: "${seed}" is not a whole number >= 0`)
  return seed
}

async function encode(ctx: CommandContext): Promise<Record<string, unknown>> {
  const audio = ctx.positionals[1]
  if (audio === undefined || ctx.positionals.length > 2) throw new CliUsageError('latent encode: give one audio file')
  const modelId = modelFlag(ctx, 'encode')
  const out = stringFlag(ctx, 'out')
  if (out !== undefined) await checkCodeOut(out)
  if (!(await stat(audio).catch(() => null))?.isFile()) throw new UserError(`${audio}: no such file`)
  const code = await encodeLatent({ modelId, path: resolve(audio), dataDir: dataDirOf(ctx) })
  return emitCode(ctx, { ...code, source: audio }, out)
}

async function sample(ctx: CommandContext): Promise<Record<string, unknown>> {
  if (ctx.positionals.length > 1) throw new CliUsageError(`latent sample: unexpected argument "${ctx.positionals[1]}"`)
  const modelId = modelFlag(ctx, 'sample')
  const out = stringFlag(ctx, 'out')
  if (out !== undefined) await checkCodeOut(out)
  const seed = seedFlag(ctx)
  return emitCode(ctx, await sampleLatent({ modelId, ...(seed !== undefined && { seed }), dataDir: dataDirOf(ctx) }), out)
}

async function interpolate(ctx: CommandContext): Promise<Record<string, unknown>> {
  const [, fileA, fileB] = ctx.positionals
  if (fileA === undefined || fileB === undefined) throw new CliUsageError('latent interpolate: give two code files (from `latent encode` or `latent sample`)')
  const steps = positiveIntFlag(ctx, 'steps')
  if (steps === undefined) throw new CliUsageError('latent interpolate: --steps N is required (codes from a to b, both included)')
  if (steps < 2 || steps > MAX_STEPS) throw new UserError(`--steps ${steps}: not in 2..${MAX_STEPS}`)
  const outDir = stringFlag(ctx, 'out-dir')
  if (outDir === undefined) throw new CliUsageError('latent interpolate: --out-dir DIR is required')
  const decode = boolFlag(ctx, 'decode')
  const seconds = decode ? secondsFlag(ctx, 'interpolate') : undefined
  if (!decode && numberFlag(ctx, 'seconds') !== undefined) throw new CliUsageError('latent interpolate: --seconds goes with --decode')
  const temperature = numberFlag(ctx, 'temperature')
  const seed = seedFlag(ctx)
  const [a, b] = [await readLatentCode(resolve(fileA)), await readLatentCode(resolve(fileB))]
  const codes = Array.from({ length: steps }, (_, i) => interpolateLatents(a, b, i / (steps - 1)))
  const dir = resolve(outDir)
  if ((await stat(dir).catch(() => null))?.isFile()) throw new UserError(`--out-dir ${outDir}: is a file`)
  if (!(await stat(dirname(dir)).catch(() => null))?.isDirectory()) throw new UserError(`--out-dir ${outDir}: folder ${dirname(dir)} does not exist`)
  // A folder that already holds a walk would end up mixing two (a shorter run leaves the longer one's tail).
  const earlier = (await readdir(dir).catch(() => [] as string[])).filter((f) => /^step-\d+\.(json|wav)$/.test(f)).sort()
  if (earlier.length > 0) throw new UserError(`--out-dir ${outDir}: already holds an earlier interpolation (${earlier[0]}, ${earlier.length} step files); give a new or empty folder`)
  await mkdir(dir, { recursive: true })
  const digits = String(steps - 1).length
  const written: { t: number; code: string; wav?: string; xRealtime?: number }[] = []
  for (const [i, code] of codes.entries()) {
    const stem = join(dir, `step-${String(i).padStart(digits, '0')}`)
    const t = i / (steps - 1)
    await writeLatentCode(`${stem}.json`, code)
    const entry: (typeof written)[number] = { t, code: `${stem}.json` }
    if (decode) {
      const r = await decodeWithBar(
        ctx,
        { code, seconds: seconds!, out: `${stem}.wav`, dataDir: dataDirOf(ctx), ...(temperature !== undefined && { temperature }), ...(seed !== undefined && { seed }) },
        `decode ${i + 1}/${steps}`
      )
      Object.assign(entry, { wav: r.out, xRealtime: r.xRealtime })
      ctx.print(`t = ${t.toFixed(3)}: ${describeDecode(r)}`)
    }
    written.push(entry)
  }
  ctx.print(`wrote ${steps} codes${decode ? ' and WAVs' : ''} from ${fileA} to ${fileB} in ${dir}`)
  return { modelId: a.modelId, checkpointId: a.checkpointId, steps, outDir: dir, written }
}

async function decode(ctx: CommandContext): Promise<Record<string, unknown>> {
  const file = ctx.positionals[1]
  if (file === undefined || ctx.positionals.length > 2) throw new CliUsageError('latent decode: give one code file (from `latent encode`, `sample` or `interpolate`)')
  const out = stringFlag(ctx, 'out')
  if (out === undefined) throw new CliUsageError('latent decode: --out FILE.wav is required')
  if (extname(out).toLowerCase() !== '.wav') throw new UserError(`${out}: latent decode writes WAV; give the output a .wav name`)
  await checkOutputPath(resolve(out), [resolve(file)])
  const seconds = secondsFlag(ctx, 'decode')
  const temperature = numberFlag(ctx, 'temperature')
  const seed = seedFlag(ctx)
  const code = await readLatentCode(resolve(file))
  const list = (name: string): string[] | undefined => {
    const v = ctx.values[name]
    return Array.isArray(v) ? v.map(String) : undefined
  }
  const bias = perDimension(list('bias'), code.z.length, 0, 'bias')
  const scale = perDimension(list('scale'), code.z.length, 1, 'scale')
  const r = await decodeWithBar(
    ctx,
    { code, seconds, out: resolve(out), dataDir: dataDirOf(ctx), ...(bias && { bias }), ...(scale && { scale }), ...(temperature !== undefined && { temperature }), ...(seed !== undefined && { seed }) },
    'decode'
  )
  ctx.print(`model ${code.modelId}, checkpoint ${code.checkpointId}: ${describeDecode(r)}`)
  ctx.print(`wrote ${r.out}`)
  return { modelId: code.modelId, checkpointId: code.checkpointId, out: r.out, sampleRate: r.sampleRate, samples: r.samples, seconds, z: r.z, wallMs: r.wallMs, samplesPerSecond: r.samplesPerSecond, xRealtime: r.xRealtime }
}

/**
 * `latent`: the latent explorer of a trained audio VLAE from the command line, over the same service
 * as the app: encode a clip to a code file, draw one from the prior, interpolate two, and decode one
 * (adjusted per dimension, z * scale + bias) to a WAV with fast generation.
 */
export const latentCommand: Command = {
  name: 'latent',
  summary: "Explore a trained audio VLAE's latent space: encode a clip, sample the prior, interpolate two codes, decode a code to WAV (per-dimension --bias/--scale)",
  usage:
    'latent encode AUDIO --model ID [--out code.json] | latent sample --model ID [--seed N] [--out code.json] | latent interpolate A.json B.json --steps N --out-dir DIR [--decode --seconds S] | latent decode CODE.json --seconds S --out FILE.wav [--bias I=V ...] [--scale I=V ...] [--temperature T] [--seed N]  [--data-dir D] [--json]',
  options: {
    ...dataDirOption,
    model: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    steps: { type: 'string' },
    'out-dir': { type: 'string' },
    decode: { type: 'boolean' },
    seconds: { type: 'string' },
    temperature: { type: 'string' },
    bias: { type: 'string', multiple: true },
    scale: { type: 'string', multiple: true }
  },
  positionals: { min: 1, max: 3 },
  async run(ctx) {
    const sub = ctx.positionals[0] as Sub
    if (!SUBCOMMANDS.includes(sub)) throw new CliUsageError(`latent: "${sub}" is not one of ${SUBCOMMANDS.join(', ')}`)
    try {
      switch (sub) {
        case 'encode':
          return await encode(ctx)
        case 'sample':
          return await sample(ctx)
        case 'interpolate':
          return await interpolate(ctx)
        case 'decode':
          return await decode(ctx)
      }
    } finally {
      await closeJobPool()
    }
  }
}
