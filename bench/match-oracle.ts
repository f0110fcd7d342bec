/**
 * How far the match method's chain family can go on the known-answer set when the answer is known:
 * the EQ fitted to the answer's own long-term spectrum (change from the content), then compressor,
 * saturation and reverb searched by Nelder-Mead on the mel distance to the answer itself. Not a
 * method (it reads the answer): the ceiling the blind fit is measured against (docs/vocal-match.md).
 * Run: `npx tsx bench/match-oracle.ts [CASE-SUBSTRING]` (about 10 minutes on two cores).
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadMono } from '../src-main/audio/load'
import { loudnessMeter } from '../src-main/dsp/loudness'
import { multiResolutionMelDistance } from '../src-main/dsp/mel-distance'
import { prepareInput, processStages } from '../src-main/engine/effects/apply'
import { neutralChain } from '../src-main/engine/effects/chain'
import { fitEq } from '../src-main/engine/style/match/eq-fit'
import { featurePlan, matchFeatures } from '../src-main/engine/style/match/features'
import { minimiseInBox } from '../src-main/engine/style/match/minimise'
import { FIT_RATE } from '../src-main/engine/style/match/rates'

const dir = fileURLToPath(new URL('../test/fixtures/vocal-match/', import.meta.url))
const sr = FIT_RATE
const plan = featurePlan(sr)
const meter = await loudnessMeter()
const set = JSON.parse(readFileSync(`${dir}cases.json`, 'utf8')) as { cases: { name: string }[] }
const eqShares: number[] = []
const shares: number[] = []
for (const c of set.cases) {
  if (process.argv[2] && !c.name.includes(process.argv[2])) continue
  const content = prepareInput([await loadMono(`${dir}${c.name}-content.wav`, sr)], sr, meter).channels[0]!
  const answer = await loadMono(`${dir}${c.name}-answer.wav`, sr)
  const fc = matchFeatures(content, plan)
  const fa = matchFeatures(answer, plan)
  const chain = { ...neutralChain(), eq: fitEq(plan.centres, fa.ltas.map((v, i) => v - fc.ltas[i]!), sr).eq }
  const d0 = multiResolutionMelDistance(content, answer, sr)
  const eqShare = multiResolutionMelDistance(processStages([content], sr, chain)[0]!, answer, sr) / d0
  const m = minimiseInBox(
    (u) => {
      const ch = {
        ...chain,
        compressor: { ...chain.compressor, threshold: -45 + 45 * u[0]!, ratio: 20 ** u[1]!, makeup: 0 },
        saturation: { ...chain.saturation, drive: 30 * u[2]!, mix: u[3]! },
        reverb: { ...chain.reverb, wet: 0.9 * u[4]!, decay: 0.1 * 50 ** u[5]!, damping: u[6]! }
      }
      return multiResolutionMelDistance(processStages([content], sr, ch)[0]!, answer, sr)
    },
    [1, 0, 0, 0, 0, 0.4, 0.5],
    { step: 0.2, maxEvaluations: 300 }
  )
  eqShares.push(eqShare)
  shares.push(m.fx / d0)
  process.stderr.write(`${c.name.padEnd(14)} EQ from the answer ${eqShare.toFixed(3)}  whole chain ${(m.fx / d0).toFixed(3)}\n`)
}
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length
process.stdout.write(JSON.stringify({ oracleEqMeanShare: Number(mean(eqShares).toFixed(3)), oracleMeanShare: Number(mean(shares).toFixed(3)) }) + '\n')
