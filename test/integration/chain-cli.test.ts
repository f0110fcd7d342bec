/**
 * The effect chain's CLI path as a user walks it: apply-chain from a chain file and from a preset
 * (stereo, at the input's own rate), presets import / show / export / save from a render / rename /
 * rm, and each bad input refused in one stderr line with a non-zero exit, nothing written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFile } from '../../src-main/audio/decode'
import { writeWav } from '../../src-main/audio/wav'
import { loudnessMeter } from '../../src-main/dsp/loudness'
import { neutralChain, type EffectChain } from '../../src-main/engine/effects/chain'
import { Library } from '../../src-main/library/library'
import { cliOn, lastJson, runCli } from '../unit/cli/run-cli'
import { librarySnapshot } from '../unit/library/helpers'

/** BS.1770 meters agree to about 0.1 LU; the chain's own loudness loop stops within 0.1 LU too. */
const LOUDNESS_TOL = 0.3
/** The 16-bit output is within half an LSB of what the chain measured before writing: far below 0.1 dB. */
const PEAK_TOL = 0.1

let root: string
let dataDir: string
let stereo: string
let chainFile: string
let chain: EffectChain

const cli = cliOn(() => dataDir)
const snapshot = (): Record<string, unknown[]> => librarySnapshot(dataDir)

/** A two-second voiced stereo signal at 48 kHz: a 140 Hz buzz with harmonics, syllable-like envelope, right channel 3 dB down. */
async function writeStereoVoice(path: string): Promise<void> {
  const sr = 48_000
  const n = 2 * sr
  const l = new Float32Array(n)
  const r = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const t = i / sr
    const env = Math.max(0, Math.sin(2 * Math.PI * 2.5 * t)) ** 2
    let v = 0
    for (let h = 1; h <= 12; h++) v += Math.sin(2 * Math.PI * 140 * h * t) / h
    l[i] = 0.25 * env * v
    r[i] = l[i]! * 0.708
  }
  await writeWav(path, [l, r], sr, { float: true })
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-chain-cli-'))
  dataDir = join(root, 'data')
  stereo = join(root, 'voice-stereo.wav')
  await writeStereoVoice(stereo)
  chain = neutralChain()
  chain.eq.bands[1]!.gain = 4
  chain.compressor = { ...chain.compressor, threshold: -26, ratio: 4 }
  chain.saturation = { amount: 1, drive: 6, mix: 0.3 }
  chain.reverb = { ...chain.reverb, wet: 0.2, decay: 0.8 }
  chain.output = { loudness: -18, truePeak: -2 }
  chainFile = join(root, 'warm.json')
  writeFileSync(chainFile, JSON.stringify(chain))
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('apply-chain and presets through the CLI', { timeout: 120_000 }, () => {
  it('applies a chain file to a stereo 48 kHz file at its own rate, at the chain\'s loudness and under its ceiling (real CLI process)', async () => {
    const out = join(root, 'out-file.wav')
    const r = runCli('apply-chain', '--chain', chainFile, '--in', stereo, '--out', out, '--json')
    expect(r.errorLines).toEqual([])
    expect(r.code).toBe(0)
    const json = lastJson(r.stdout)
    expect(json).toMatchObject({ sampleRate: 48_000, outPath: out, chain })
    const decoded = await decodeFile(out)
    expect(decoded.sampleRate).toBe(48_000)
    expect(decoded.channels).toHaveLength(2)
    // The reverb's tail is rendered after the input: a 0.8 s room rings on for most of a second.
    expect(json.tail as number).toBeGreaterThan(0.5)
    expect(decoded.channels[0]!.length).toBe(96_000 + Math.round((json.tail as number) * 48_000))
    // Checked independently of the chain's own figures: the BS.1770 meter on the file as written.
    const meter = await loudnessMeter()
    expect(Math.abs(meter.integrated(decoded.channels, 48_000) - -18)).toBeLessThan(LOUDNESS_TOL)
    expect(meter.truePeak(decoded.channels, 48_000)).toBeLessThan(-2 + PEAK_TOL)
    expect(json.loudness as number).toBeCloseTo(meter.integrated(decoded.channels, 48_000), 0)
    expect(json.xRealtime as number).toBeGreaterThan(0)
    expect(json.measures).toMatchObject({ crestFactor: expect.any(Number), spectralCentroid: expect.any(Number) })
    // The human lines: loudness, true peak, speed.
    const human = runCli('apply-chain', '--chain', chainFile, '--in', stereo, '--out', join(root, 'out-human.wav'))
    expect(human.stdout).toMatch(/loudness -1[78]\.\d LUFS, true peak -\d+\.\d dBTP, input gain [+-]\d+\.\d dB/)
    // x-realtime is said to be the chain's, with the rest of the time apart.
    expect(human.stdout).toMatch(/2\.0 s of 48000 Hz audio: chain \d+\.\d\d s \([\d.]+x realtime\); decode, measure and write \d+\.\d\d s/)
    expect(json.chainMs as number).toBeLessThanOrEqual(json.wallMs as number)
    expect(json.xRealtime as number).toBeCloseTo(2 / ((json.chainMs as number) / 1000), 3)
    expect(human.stdout).toMatch(/2\.00 s of input \+ \d\.\d\d s of tail \(down to -90 dB of the peak\)/)
  })

  it('--keep-length cuts the output at the input\'s length, for sample alignment', async () => {
    const out = join(root, 'out-kept.wav')
    const r = runCli('apply-chain', '--chain', chainFile, '--in', stereo, '--out', out, '--keep-length', '--json')
    expect(r.errorLines).toEqual([])
    expect(lastJson(r.stdout)).toMatchObject({ tail: 0, duration: 2 })
    expect((await decodeFile(out)).channels.map((c) => c.length)).toEqual([96_000, 96_000])
    const human = runCli('apply-chain', '--chain', chainFile, '--in', stereo, '--out', join(root, 'out-kept-human.wav'), '--keep-length')
    expect(human.stdout).toContain("cut at the input's length (2.00 s; --keep-length)")
  })

  it('imports a chain file as a preset, shows it, exports it unchanged and applies it like the file', async () => {
    const imported = await cli('presets', 'import', chainFile, '--name', 'warm voice', '--json')
    expect(imported.code).toBe(0)
    const id = (imported.json.preset as { id: number }).id
    expect(imported.json.preset).toMatchObject({ name: 'warm voice', chain, sourceRenderId: null })
    const shown = await cli('presets', 'show', String(id))
    expect(shown.stdout.join('\n')).toContain('compressor (100 %): threshold -26 dB, ratio 4')
    const listed = await cli('presets', '--json')
    expect((listed.json.presets as { id: number }[]).map((p) => p.id)).toEqual([id])
    const exported = join(root, 'exported.json')
    expect((await cli('presets', 'export', String(id), '--out', exported)).code).toBe(0)
    expect(JSON.parse(readFileSync(exported, 'utf8'))).toEqual(chain)
    const viaPreset = join(root, 'via-preset.wav')
    const viaFile = join(root, 'via-file.wav')
    expect((await cli('apply-chain', '--preset', String(id), '--in', stereo, '--out', viaPreset)).code).toBe(0)
    expect((await cli('apply-chain', '--chain', exported, '--in', stereo, '--out', viaFile)).code).toBe(0)
    expect(readFileSync(viaPreset).equals(readFileSync(viaFile))).toBe(true)
    const renamed = await cli('presets', 'rename', String(id), '--name', 'warmer', '--json')
    expect(renamed.json.preset).toMatchObject({ id, name: 'warmer' })
  })

  it("saves a render's fitted chain as a preset, and refuses a render that has none", async () => {
    const lib = Library.open(dataDir)
    let matchRender: number
    let textureRender: number
    try {
      matchRender = lib.renders.add({ method: 'match', inputs: { content: stereo, style: stereo }, params: { report: { method: 'match', chain } }, outputPath: join(root, 'm.wav') })
      textureRender = lib.renders.add({ method: 'texture', inputs: { content: stereo, style: stereo }, params: { report: { method: 'texture' } }, outputPath: join(root, 't.wav') })
    } finally {
      lib.close()
    }
    const saved = await cli('presets', 'save', '--render', String(matchRender), '--name', 'fitted', '--json')
    expect(saved.code).toBe(0)
    expect(saved.json.preset).toMatchObject({ name: 'fitted', sourceRenderId: matchRender, chain })
    const before = snapshot()
    const refused = await cli('presets', 'save', '--render', String(textureRender), '--name', 'nope')
    expect(refused.code).toBe(1)
    expect(refused.errors).toEqual([`error: render ${textureRender}: a texture render has no effect chain (only match renders fit one)`])
    expect(snapshot()).toEqual(before)
  })

  it('refuses bad input in one line naming the thing, writing nothing', async () => {
    const out = join(root, 'never.wav')
    const before = snapshot()
    const bad = join(root, 'bad.json')
    writeFileSync(bad, '{"version": 1,')
    const range = join(root, 'range.json')
    writeFileSync(range, JSON.stringify({ ...chain, reverb: { ...chain.reverb, decay: 60 } }))
    const newer = join(root, 'newer.json')
    writeFileSync(newer, JSON.stringify({ ...chain, version: 9 }))
    const cases: [string[], number, string | RegExp][] = [
      [['apply-chain', '--preset', '99', '--in', stereo, '--out', out], 1, 'error: preset 99: not in the library'],
      [['apply-chain', '--chain', bad, '--in', stereo, '--out', out], 1, new RegExp(`^error: ${bad}: not valid JSON \\(`)],
      [['apply-chain', '--chain', range, '--in', stereo, '--out', out], 1, `error: ${range}: reverb.decay: 60 is out of range (maximum 20)`],
      [['apply-chain', '--chain', newer, '--in', stereo, '--out', out], 1, `error: ${newer}: version 9 was written by a newer Electric Beats (this one reads up to 1)`],
      [['apply-chain', '--chain', chainFile, '--in', stereo, '--out', join(root, 'o.mp3')], 1, `error: ${join(root, 'o.mp3')}: output must be a .wav file`],
      [['apply-chain', '--chain', chainFile, '--in', join(root, 'missing.wav'), '--out', out], 1, `error: ${join(root, 'missing.wav')}: input file does not exist`],
      [['apply-chain', '--chain', chainFile, '--in', stereo, '--out', stereo], 1, `error: ${stereo}: is the input file; choose another output`],
      [['apply-chain', '--chain', chainFile, '--in', stereo, '--out', join(root, 'no-such-folder', 'o.wav')], 1, `error: ${join(root, 'no-such-folder')}: output folder does not exist`],
      [['stylize', '--content', stereo, '--style', stereo, '--out', join(root, 'no-such-folder', 's.wav')], 1, `error: ${join(root, 'no-such-folder')}: output folder does not exist`],
      [['stylize', '--content', stereo, '--style', stereo, '--out', join(root, 's.wav'), '--method', 'match', '--loudness', '-16'], 2, 'error: --loudness: write --loudness=-16 for a negative value'],
      [['apply-chain', '--chain', chainFile, '--preset', '1', '--in', stereo, '--out', out], 2, 'error: give one of --preset ID (`presets` lists them) and --chain FILE.json'],
      [['presets', 'import', range, '--name', 'x'], 1, `error: ${range}: reverb.decay: 60 is out of range (maximum 20)`],
      [['presets', 'show', '42'], 1, 'error: preset 42: not in the library'],
      [['presets', 'rm', '42'], 1, 'error: preset 42: not in the library'],
      [['presets', 'export', '1', '--out', join(root, 'x.txt')], 1, `error: ${join(root, 'x.txt')}: a chain file must end in .json`],
      [['presets', 'frob'], 2, 'error: presets: "frob" is not one of list, show, save, import, export, rename, rm']
    ]
    for (const [args, code, line] of cases) {
      const r = await cli(...args)
      expect(r.code, args.join(' ')).toBe(code)
      expect(r.errors[0], args.join(' ')).toMatch(typeof line === 'string' ? new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : line)
    }
    expect(existsSync(out)).toBe(false)
    expect(existsSync(join(root, 'x.txt'))).toBe(false)
    // convert (no library) treats a missing folder the same way.
    expect(runCli('convert', '--in', stereo, '--out', join(root, 'no-such-folder', 'c.wav')).errorLines).toEqual([`error: ${join(root, 'no-such-folder')}: output folder does not exist`])
    expect(existsSync(join(root, 'no-such-folder'))).toBe(false)
    expect(readFileSync(stereo).length).toBeGreaterThan(0)
    expect(snapshot()).toEqual(before)
  })

  it('removes a preset', async () => {
    const list = await cli('presets', '--json')
    const id = (list.json.presets as { id: number }[])[0]!.id
    expect((await cli('presets', 'rm', String(id), '--json')).json).toEqual({ removed: id })
    expect(((await cli('presets', '--json')).json.presets as unknown[]).length).toBe(1)
  })

  it('stylize accepts --method match and its options, and refuses them for other methods', async () => {
    const content = resolve('resources/examples/content-voice.wav')
    const r = await cli('stylize', '--content', content, '--style', content, '--out', join(root, 's.wav'), '--method', 'texture', '--loudness=-16')
    expect(r.code).toBe(2)
    expect(r.errors[0]).toBe('error: --loudness applies to --method match only')
    const s = await cli('stylize', '--content', content, '--style', content, '--out', join(root, 's.wav'), '--method', 'match', '--match-stages', 'eq,delay')
    expect(s.code).toBe(2)
    expect(s.errors[0]).toBe('error: --match-stages: "delay" is not one of eq, compressor, saturation, reverb')
    const t = await cli('stylize', '--content', content, '--style', content, '--out', join(root, 's.wav'), '--method', 'match', '--true-peak=3')
    expect(t.errors[0]).toBe('error: --true-peak: 3 dBTP is outside -20..0')
  })
})
