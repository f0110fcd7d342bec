/**
 * The latent explorer end to end on a tiny VLAE trained on the VCTK fixture (crops of 512 samples at
 * 8 kHz, 4 latents, 1 epoch): `latent encode / sample / interpolate / decode` through the CLI (code
 * sizes, the interpolation's straight line, WAV lengths of seconds x rate, bias and scale applied),
 * the same methods through the web host's services (encodeLatent / sampleLatent / interpolateLatents
 * / decodeLatent with jobProgress), and the refusals through both doors (the sanity ranges of z,
 * bias and scale among them: api/latent-bounds.ts), one line each, nothing written.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Envelope, JobProgress, LatentCode, LatentDecodeOutput, ModelSummary } from '../../src-preload/api'
import { decodeWav } from '../../src-main/audio/wav-decode'
import { createServices, type Services } from '../../src-main/api/services'
import { createDispatcher } from '../../src-main/ipc/dispatch'
import { startHost } from '../../src-main/host/server'
import { withLibrary } from '../../src-main/api/library'
import { cliOn } from '../unit/cli/run-cli'
import { expectRefusedNothingWritten } from './refused'

let root: string
let dataDir: string
const cli = cliOn(() => dataDir)
const RATE = 8000
const clipA = resolve('test/fixtures/vctk/v080/wav48/p225/p225_001.wav')
const clipB = resolve('test/fixtures/vctk/v080/wav48/p226/p226_001.wav')
const at = (name: string): string => join(root, name)
const readCode = (name: string): LatentCode => JSON.parse(readFileSync(at(name), 'utf8')) as LatentCode
const samplesOf = (file: string): number => decodeWav(readFileSync(file), file).channels[0]!.length

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-latent-cli-'))
  dataDir = join(root, 'data')
  expect((await cli('import-vctk', resolve('test/fixtures/vctk/v080'))).code).toBe(0)
  const r = await cli('train-vae', '--dataset', '1', '--preset', 'vlae', '--crop', '512', '--sample-rate', String(RATE), '--latents', '4', '--batch', '8', '--epochs', '1', '--json')
  expect(r.code, r.errors.join('\n')).toBe(0)
  // Model 2: a model of another kind (the refusal needs only its record).
  await withLibrary(dataDir, (lib) => lib.models.create({ name: 'a WaveNet', kind: 'wavenet/mulaw', config: {} }))
}, 300_000)
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('latent through the CLI', () => {
  it('encode writes a code of the model width with a positive sigma, naming the clip', async () => {
    const r = await cli('latent', 'encode', clipA, '--model', '1', '--out', at('a.json'), '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    const a = readCode('a.json')
    expect(a).toMatchObject({ modelId: 1, checkpointId: 1, source: clipA, sampleRate: RATE })
    expect(a.model).toMatch(/^VLAE 4 latents, crop 512/)
    expect(a.z).toHaveLength(4)
    expect(a.sigma).toHaveLength(4)
    for (const s of a.sigma!) expect(s).toBeGreaterThan(0)
    expect(r.json).toMatchObject({ z: a.z, out: at('a.json') })
    expect((await cli('latent', 'encode', clipB, '--model', '1', '--out', at('b.json'))).code).toBe(0)
  })

  it('sample draws from the prior by seed', async () => {
    expect((await cli('latent', 'sample', '--model', '1', '--seed', '4', '--out', at('s4.json'))).code).toBe(0)
    const again = await cli('latent', 'sample', '--model', '1', '--seed', '4', '--json')
    const s = readCode('s4.json')
    expect(s).toMatchObject({ source: 'prior', sigma: null, modelId: 1 })
    expect(s.z).toHaveLength(4)
    expect(again.json.z).toEqual(s.z)
  })

  it('interpolate writes the codes from a to b on a straight line, and decodes each with --decode', async () => {
    const r = await cli('latent', 'interpolate', at('a.json'), at('b.json'), '--steps', '3', '--out-dir', at('walk'), '--decode', '--seconds', '0.05', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    expect(readdirSync(at('walk')).sort()).toEqual(['step-0.json', 'step-0.wav', 'step-1.json', 'step-1.wav', 'step-2.json', 'step-2.wav'])
    const [a, b] = [readCode('a.json'), readCode('b.json')]
    const mid = readCode('walk/step-1.json')
    expect(mid).toMatchObject({ source: 'interpolation', sigma: null, modelId: 1, checkpointId: 1 })
    mid.z.forEach((v, i) => expect(v).toBeCloseTo((a.z[i]! + b.z[i]!) / 2, 12))
    expect(readCode('walk/step-0.json').z).toEqual(a.z)
    expect(readCode('walk/step-2.json').z).toEqual(b.z)
    for (const i of [0, 1, 2]) expect(samplesOf(at(`walk/step-${i}.wav`))).toBe(0.05 * RATE)
  })

  it('decode writes seconds x rate samples of z * scale + bias, with its time and realtime factor', async () => {
    const r = await cli('latent', 'decode', at('a.json'), '--bias', '0=0.5', '--scale', '1=2', '--scale', '3=0', '--seconds', '0.25', '--out', at('a.wav'), '--seed', '2', '--json')
    expect(r.code, r.errors.join('\n')).toBe(0)
    const a = readCode('a.json')
    expect(r.json).toMatchObject({ modelId: 1, checkpointId: 1, sampleRate: RATE, samples: 2000, out: at('a.wav') })
    expect(r.json.z).toEqual([a.z[0]! + 0.5, a.z[1]! * 2, a.z[2], 0])
    expect(r.json.xRealtime as number).toBeGreaterThan(0)
    expect(samplesOf(at('a.wav'))).toBe(2000)
    // --json prints one line; without it, the figures.
    expect(r.stdout).toHaveLength(1)
    const plain = await cli('latent', 'decode', at('s4.json'), '--seconds', '0.1', '--out', at('s4.wav'))
    expect(plain.stdout.join('\n')).toMatch(/800 samples at 8000 Hz \(0\.10 s\) in [\d.]+ s: [\d.]+x realtime/)
  })

  it('refuses bad input in one line and writes nothing', async () => {
    const out = at('never.wav')
    const code = readCode('a.json')
    writeFileSync(at('short.json'), JSON.stringify({ ...code, z: [1, 2, 3] }))
    writeFileSync(at('inf.json'), JSON.stringify({ ...code, sigma: null }).replace(/"z":\[[^\]]*\]/, '"z":[1e999,0,0,0]'))
    writeFileSync(at('shape.json'), JSON.stringify({ z: [1, 2, 3, 4] }))
    writeFileSync(at('other.json'), JSON.stringify({ ...code, modelId: 2 }))
    writeFileSync(at('far.json'), JSON.stringify({ ...code, z: [0, 1e30, 0, 0] }))
    await expectRefusedNothingWritten(cli, ['latent', 'decode', at('short.json'), '--seconds', '0.1', '--out', out], /^error: latent vector: 3 values, but the model has 4 latents$/, out)
    await expectRefusedNothingWritten(cli, ['latent', 'decode', at('inf.json'), '--seconds', '0.1', '--out', out], /^error: .*inf\.json: not a latent code \(z\.0: .*Infinity\)$/, out)
    await expectRefusedNothingWritten(cli, ['latent', 'decode', at('shape.json'), '--seconds', '0.1', '--out', out], /^error: .*shape\.json: not a latent code \(/, out)
    await expectRefusedNothingWritten(cli, ['latent', 'decode', at('a.json'), '--bias', '7=1', '--seconds', '0.1', '--out', out], /^error: --bias 7=1: dimension 7 is not in 0\.\.3 \(the code has 4 latents\)$/, out)
    // Sanity ranges (api/latent-bounds.ts): finite but absurd values are refused too, naming dimension, value and range.
    await expectRefusedNothingWritten(cli, ['latent', 'decode', at('far.json'), '--seconds', '0.1', '--out', out], /^error: .*far\.json: not a latent code \(z: dimension 1 is 1e\+30, outside the allowed -50\.\.50\)$/, out)
    await expectRefusedNothingWritten(cli, ['latent', 'decode', at('a.json'), '--bias', '0=1e9', '--seconds', '0.1', '--out', out], /^error: --bias 0=1e9: dimension 0 is 1000000000, outside the allowed -50\.\.50$/, out)
    await expectRefusedNothingWritten(cli, ['latent', 'decode', at('a.json'), '--scale', '2=20', '--seconds', '0.1', '--out', out], /^error: --scale 2=20: dimension 2 is 20, outside the allowed -10\.\.10$/, out)
    await expectRefusedNothingWritten(cli, ['latent', 'interpolate', at('a.json'), at('far.json'), '--steps', '2', '--out-dir', at('never')], /^error: .*far\.json: not a latent code \(z: dimension 1 is 1e\+30, outside the allowed -50\.\.50\)$/, at('never'))
    await expectRefusedNothingWritten(cli, ['latent', 'decode', at('a.json'), '--seconds', '0', '--out', out], /^error: --seconds 0: not in 0\.\.600 \(above 0\)$/, out)
    await expectRefusedNothingWritten(cli, ['latent', 'decode', at('other.json'), '--seconds', '0.1', '--out', out], /^error: checkpoint 1: belongs to model 1, not model 2$/, out)
    await expectRefusedNothingWritten(cli, ['latent', 'interpolate', at('a.json'), at('other.json'), '--steps', '2', '--out-dir', at('never')], /^error: interpolation: the codes come from different models \(1 and 2\); encode both clips with one model$/, at('never'))
    // A folder holding an earlier walk (step-0..2 from the interpolate test) is refused, not mixed into.
    const walk = readdirSync(at('walk')).sort()
    await expectRefusedNothingWritten(cli, ['latent', 'interpolate', at('a.json'), at('b.json'), '--steps', '2', '--out-dir', at('walk')], /^error: --out-dir .*walk: already holds an earlier interpolation \(step-0\.json, 6 step files\); give a new or empty folder$/, at('never'))
    expect(readdirSync(at('walk')).sort()).toEqual(walk)
    expect(readCode('walk/step-2.json').z).toEqual(readCode('b.json').z)
    await expectRefusedNothingWritten(cli, ['latent', 'sample', '--model', '2', '--out', at('never.json')], /^error: model 2: a wavenet\/mulaw model, not a VLAE$/, at('never.json'))
    // Usage: the line, then the usage (exit 2).
    const usage = await cli('latent', 'decode', at('a.json'), '--out', out)
    expect(usage.code).toBe(2)
    expect(usage.errors[0]).toBe('error: latent decode: --seconds S is required')
  })
})

describe('latent through the services of the web host', () => {
  let services: Services
  let call: ReturnType<typeof createDispatcher>
  const progress: JobProgress[] = []

  beforeAll(async () => {
    services = await createServices({ dataDir, examplesDir: join(root, 'examples'), platform: 'web', version: '0' })
    call = createDispatcher(services.handlers, () => {})
    services.events.on((event, payload) => {
      if (event === 'jobProgress') progress.push(payload as JobProgress)
    })
    mkdirSync(join(root, 'renderer'), { recursive: true })
    writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>EB</title>')
    mkdirSync(join(dataDir, 'imports'), { recursive: true })
    copyFileSync(clipA, join(dataDir, 'imports', 'a.wav'))
  })
  afterAll(async () => services?.close())

  const value = <T>(e: Envelope): T => {
    if (!e.ok) throw new Error(e.error)
    return e.value as T
  }

  it('lists the VLAE with its latent width', async () => {
    const models = value<ModelSummary[]>(await call('listModels', undefined))
    expect(models.find((m) => m.id === 1)).toMatchObject({ kind: 'vae/vlae', latents: 4, sampleRate: RATE })
    expect(models.find((m) => m.id === 2)!.latents).toBeNull()
  })

  it('encodes, samples, interpolates and decodes, with progress under the caller job id', async () => {
    const a = value<LatentCode>(await call('encodeLatent', { modelId: 1, path: join(dataDir, 'imports', 'a.wav') }))
    expect(a.z).toEqual(readCode('a.json').z)
    const s = value<LatentCode>(await call('sampleLatent', { modelId: 1, seed: 4 }))
    expect(s.z).toEqual(readCode('s4.json').z)
    const mid = value<LatentCode>(await call('interpolateLatents', { a, b: s, t: 0.5 }))
    mid.z.forEach((v, i) => expect(v).toBeCloseTo((a.z[i]! + s.z[i]!) / 2, 12))
    const out = value<LatentDecodeOutput>(await call('decodeLatent', { code: mid, bias: [0, 0, 0, 1], seconds: 0.2, jobId: 'decode-1' }))
    expect(out.audio).toMatchObject({ sampleRate: RATE, channels: 1, duration: 0.2 })
    expect(out.audio.path.startsWith(join(dataDir, 'generated'))).toBe(true)
    expect(samplesOf(out.audio.path)).toBe(1600)
    expect(out.z[3]).toBeCloseTo(mid.z[3]! + 1, 12)
    const mine = progress.filter((p) => p.jobId === 'decode-1')
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.at(-1)).toMatchObject({ step: 1600, total: 1600 })
  })

  it('refuses bad input in one line with code user (or invalid for a malformed payload)', async () => {
    const a = readCode('a.json')
    const refused = async (method: string, req: unknown, line: RegExp, code = 'user'): Promise<void> => {
      const e = await call(method as 'decodeLatent', req)
      expect(e.ok).toBe(false)
      if (e.ok) return
      expect(e.code).toBe(code)
      expect(e.error).not.toContain('\n')
      expect(e.error).toMatch(line)
    }
    const before = readdirSync(join(dataDir, 'generated')).length
    await refused('decodeLatent', { code: { ...a, z: [1, 2] }, seconds: 0.1 }, /^latent vector: 2 values, but the model has 4 latents$/)
    await refused('decodeLatent', { code: a, scale: [1, 1], seconds: 0.1 }, /^scale: 2 values, but the model has 4 latents$/)
    await refused('decodeLatent', { code: { ...a, z: [0, 1e30, 0, 0] }, seconds: 0.1 }, /^decodeLatent: invalid code\.z: dimension 1 is 1e\+30, outside the allowed -50\.\.50$/, 'invalid')
    await refused('decodeLatent', { code: a, bias: [0, 0, 0, 1e9], seconds: 0.1 }, /^decodeLatent: invalid bias: dimension 3 is 1000000000, outside the allowed -50\.\.50$/, 'invalid')
    await refused('decodeLatent', { code: a, scale: [1, -11, 1, 1], seconds: 0.1 }, /^decodeLatent: invalid scale: dimension 1 is -11, outside the allowed -10\.\.10$/, 'invalid')
    await refused('decodeLatent', { code: { ...a, z: [40, 0, 0, 0] }, scale: [10, 1, 1, 1], seconds: 0.1 }, /^z \* scale \+ bias: dimension 0 is 400, outside the allowed -50\.\.50$/)
    await refused('interpolateLatents', { a, b: { ...a, modelId: 2 }, t: 0.5 }, /^interpolation: the codes come from different models \(1 and 2\)/)
    await refused('interpolateLatents', { a, b: a, t: 2 }, /^t: 2 is not in 0\.\.1$/)
    await refused('encodeLatent', { modelId: 2, path: join(dataDir, 'imports', 'a.wav') }, /^model 2: a wavenet\/mulaw model, not a VLAE$/)
    await refused('encodeLatent', { modelId: 1, path: clipA }, /outside the data folder and the bundled examples$/)
    await refused('sampleLatent', { modelId: 1, seed: -1 }, /^sampleLatent: invalid seed: /, 'invalid')
    expect(readdirSync(join(dataDir, 'generated'))).toHaveLength(before)
  })

  it('answers over HTTP as the web host serves it (JSON client): a prior draw, and a refusal as 422', async () => {
    const host = await startHost({ services, rendererDir: join(root, 'renderer'), port: 0 })
    try {
      const post = async (method: string, req: unknown): Promise<{ status: number; envelope: Envelope }> => {
        const res = await fetch(`http://127.0.0.1:${host.port}/api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-EB-Token': host.token }, body: JSON.stringify(req) })
        return { status: res.status, envelope: (await res.json()) as Envelope }
      }
      const drawn = await post('sampleLatent', { modelId: 1, seed: 4 })
      expect(drawn.status).toBe(200)
      expect((drawn.envelope as { value: LatentCode }).value.z).toEqual(readCode('s4.json').z)
      expect(await post('interpolateLatents', { a: readCode('a.json'), b: { ...readCode('a.json'), checkpointId: 7 }, t: 0.5 })).toEqual({
        status: 422,
        envelope: { ok: false, code: 'user', error: 'interpolation: the codes come from different checkpoints of model 1 (1 and 7); encode both clips with one checkpoint' }
      })
    } finally {
      await host.close()
    }
  })

  it('cancelJob stops a decode: one line, no file', async () => {
    const before = readdirSync(join(dataDir, 'generated')).length
    const started = new Promise<void>((ok) => {
      const off = services.events.on((event, payload) => {
        if (event === 'jobProgress' && (payload as JobProgress).jobId === 'long-1' && (payload as JobProgress).step > 0) {
          off()
          ok()
        }
      })
    })
    const decoding = call('decodeLatent', { code: readCode('a.json'), seconds: 300, jobId: 'long-1' })
    await started
    expect(value<{ cancelled: boolean }>(await call('cancelJob', { jobId: 'long-1' }))).toEqual({ cancelled: true })
    expect(await decoding).toEqual({ ok: false, code: 'user', error: 'decodeLatent: cancelled, nothing written' })
    expect(readdirSync(join(dataDir, 'generated'))).toHaveLength(before)
  })

  it('refuses a checkpoint folder whose stored configuration was changed', async () => {
    // The run's real checkpoint, its spec rewritten to a 2 x 3 decoder: its layers no longer match.
    const path = await withLibrary(dataDir, (lib) => lib.checkpoints.get(1)!.path)
    const file = join(path, 'model.json')
    const json = JSON.parse(readFileSync(file, 'utf8')) as { userDefinedMetadata: { electricBeats: { extra: { spec: { options: { layersPerStack: number } } } } } }
    json.userDefinedMetadata.electricBeats.extra.spec.options.layersPerStack = 3
    writeFileSync(file, JSON.stringify(json))
    const line = /^checkpoint 1 of model 1: its layers are not those of VLAE 4 latents, crop 512, encoder 3 x 64, decoder WaveNet 2x3 x 32/
    const e = await call('decodeLatent', { code: readCode('a.json'), seconds: 0.1 })
    expect(e).toMatchObject({ ok: false, code: 'user' })
    expect((e as { error: string }).error).toMatch(line)
    const r = await cli('latent', 'encode', clipA, '--model', '1')
    expect(r.code).toBe(1)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(new RegExp(`^error: ${line.source.slice(1)}`))
    expect(existsSync(at('never.wav'))).toBe(false)
  })
})
