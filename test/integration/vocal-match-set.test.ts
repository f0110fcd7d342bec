import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { decodeFile } from '../../src-main/audio'
import { multiResolutionMelDistance } from '../../src-main/dsp/mel-distance'

/** The vocal-match known-answer set (test/fixtures/vocal-match/README.md) is whole and consistent. */
const DIR = fileURLToPath(new URL('../fixtures/vocal-match/', import.meta.url))
const SR = 22050

interface Case {
  name: string
  chain: string
  contentVoice: string
  styleVoice: string
  texts: { content: string; style: string }
}
const set = JSON.parse(readFileSync(`${DIR}cases.json`, 'utf8')) as { sampleRate: number; cases: Case[] }

/** Case names the generator builds: every `pairing NAME` crossed with every `chain NAME`, in script order. */
function scriptCases(): { names: string[]; chains: Map<string, string> } {
  const script = readFileSync(`${DIR}generate.sh`, 'utf8')
  const chains = new Map([...script.matchAll(/^chain (\S+) "([^"]+)"$/gm)].map((m) => [m[1]!, m[2]!]))
  const pairings = [...script.matchAll(/^pairing (\S+) /gm)].map((m) => m[1]!)
  return { names: pairings.flatMap((p) => [...chains.keys()].map((c) => `${p}-${c}`)), chains }
}

async function load(path: string): Promise<Float32Array> {
  const a = await decodeFile(path)
  expect(a.sampleRate, path).toBe(SR)
  expect(a.channels.length, path).toBe(1)
  expect(a.format.codec, path).toBe('pcm_s16le')
  return a.channels[0]!
}

describe('vocal-match set', () => {
  it('lists at least 12 cases over 6 chains and 2 pairings with swapped voices', () => {
    expect(set.sampleRate).toBe(SR)
    expect(set.cases.length).toBeGreaterThanOrEqual(12)
    const chains = new Set(set.cases.map((c) => c.name.split('-')[1]))
    for (const c of ['telephone', 'hall', 'radio', 'lofi', 'warm']) expect(chains.has(c), c).toBe(true)
    const pairs = new Set(set.cases.map((c) => `${c.contentVoice}/${c.styleVoice}`))
    expect(pairs.size).toBeGreaterThanOrEqual(2)
    for (const c of set.cases) {
      expect(c.contentVoice).not.toBe(c.styleVoice)
      expect(c.texts.content).not.toBe(c.texts.style)
    }
  })

  it('agrees with its generator on the case list and each chain', () => {
    const { names, chains } = scriptCases()
    expect(set.cases.map((c) => c.name)).toEqual(names)
    for (const c of set.cases) expect(c.chain).toBe(chains.get(c.name.split('-').slice(1).join('-')))
  })

  it('has three 22.05 kHz mono 16-bit files per case, content 4-5 s, style 3-5 s, answer as long as content and not equal to it', async () => {
    for (const c of set.cases) {
      const paths = ['content', 'style', 'answer'].map((k) => `${DIR}${c.name}-${k}.wav`)
      for (const p of paths) expect(existsSync(p), p).toBe(true)
      const [content, style, answer] = await Promise.all(paths.map(load)) as [Float32Array, Float32Array, Float32Array]
      expect(content.length / SR, c.name).toBeGreaterThanOrEqual(4)
      expect(content.length / SR, c.name).toBeLessThanOrEqual(5)
      expect(style.length / SR, c.name).toBeGreaterThanOrEqual(3)
      expect(style.length / SR, c.name).toBeLessThanOrEqual(5)
      expect(answer.length, c.name).toBe(content.length)
      // The dry distance the bench divides by: clearly above 0 for every chain.
      expect(multiResolutionMelDistance(content, answer, SR), c.name).toBeGreaterThan(1)
    }
  })
})
