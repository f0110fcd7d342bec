/**
 * The `reliability` section of `npm run bench` (issue 18): the faults campaign (./faults), the
 * doors campaign (./doors) and the soak (./soak), from one seed, at CI or full counts. Prints a
 * table of cases per kind and the counts on stderr; returns the headline figures for the bench's
 * table and a `reliability` object for its --json line: the sums `crashes`, `integrityFailures`,
 * `halfWrittenFiles`, `requestsLetThrough` (all must be 0), the cases tried per kind and the soak
 * curves. A full run also draws the curves to docs/reliability-soak.svg.
 *
 *   npm run bench -- reliability [--seed N] [--reliability-scale ci|full] [--json]
 *   npx tsx bench/reliability/index.ts [--seed N] [--reliability-scale ci|full]   (the section alone)
 */
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { writeFileAtomic } from '../../src-main/util/atomic-write'
import { runDoors, type DoorCounts } from './doors'
import { runFaults, type FaultCounts } from './faults'
import { runSoak, type SoakResult } from './soak'
import { soakSvg } from './soak-svg'
import { table } from '../../test/fuzz/report'

/** Section options: the seed of every drawn case and the counts' scale. */
export interface ReliabilityOptions {
  seed: number
  scale: 'ci' | 'full'
}

/** The fixed seed (the number): a run without --seed replays the last published one. */
export const RELIABILITY_DEFAULTS: ReliabilityOptions = { seed: 18, scale: 'full' }

/** The bench options this section adds (parseArgs form). */
export const RELIABILITY_OPTIONS = {
  seed: { type: 'string' },
  'reliability-scale': { type: 'string' }
} as const

/** Reads --seed and --reliability-scale over the defaults; throws one line on a bad value. */
export function reliabilityOptions(values: Partial<Record<keyof typeof RELIABILITY_OPTIONS, string | undefined>>): ReliabilityOptions {
  const seed = values.seed
  if (seed !== undefined && !/^\d+$/.test(seed)) throw new Error(`--seed: "${seed}" is not a whole number`)
  const scale = values['reliability-scale']
  if (scale !== undefined && scale !== 'ci' && scale !== 'full') throw new Error(`--reliability-scale: "${scale}" is not ci or full`)
  return { seed: seed === undefined ? RELIABILITY_DEFAULTS.seed : Number(seed), scale: scale ?? RELIABILITY_DEFAULTS.scale }
}

/** The `reliability` object of the --json line. */
export interface ReliabilityRecord {
  seed: number
  scale: 'ci' | 'full'
  crashes: number
  integrityFailures: number
  halfWrittenFiles: number
  requestsLetThrough: number
  jobsNotMarkedFailed: number
  resumeMismatches: number
  unclearRefusals: number
  soakLeaks: number
  casesTried: number
  /** Cases tried per kind: faults' kinds, doors' `door:kind`s. */
  cases: { faults: Record<string, number>; doors: Record<string, number> }
  soak: {
    renders: { count: number; method: string; rssMb: number[]; engineRssMb: number[]; engineTensors: number[]; flat: Record<string, boolean> }
    training: { epochs: number; rssMb: number[]; tensors: number[]; flat: Record<string, boolean> }
    rules: { rss: string; tensors: string }
  }
  /** Every failure line the parts reported (let-throughs, crashes, leaks...), the first 40. */
  details: string[]
}

const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0)

/** Runs faults, doors and soak; prints their tables on stderr; returns figures and the record. */
export async function benchReliability(o: ReliabilityOptions, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<{ figures: Record<string, number>; reliability: ReliabilityRecord }> {
  const details: string[] = []
  let thrown = 0
  const part = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
    const t0 = performance.now()
    try {
      const r = await run()
      log(`[reliability] ${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s`)
      return r
    } catch (err) {
      // A campaign that dies is counted as a crash: the suite must not report 0 for what it never ran.
      thrown++
      details.push(`CRASH ${name} campaign threw: ${(err as Error).stack?.split('\n').slice(0, 2).join(' ') ?? String(err)}`)
      log(details.at(-1)!)
      return undefined
    }
  }
  const faults: FaultCounts | undefined = await part('faults', () => runFaults({ seed: o.seed, scale: o.scale, log }))
  const doors: DoorCounts | undefined = await part('doors', () => runDoors({ seed: o.seed, scale: o.scale, log }))
  const soak: SoakResult | undefined = await part('soak', () => runSoak({ seed: o.seed, scale: o.scale, log }))

  details.push(...(faults?.details ?? []), ...(doors?.details ?? []), ...(soak?.details ?? []))
  const casesFaults = faults?.cases ?? {}
  const casesDoors = doors?.cases ?? {}
  const empty = { values: [] as number[], flatness: { flat: false } }
  const r = soak?.renders
  const t = soak?.training
  const reliability: ReliabilityRecord = {
    seed: o.seed,
    scale: o.scale,
    crashes: (faults?.crashes ?? 0) + (doors?.crashes ?? 0) + thrown,
    integrityFailures: faults?.integrityFailures ?? 0,
    halfWrittenFiles: faults?.halfWrittenFiles ?? 0,
    requestsLetThrough: doors?.requestsLetThrough ?? 0,
    jobsNotMarkedFailed: faults?.jobsNotMarkedFailed ?? 0,
    resumeMismatches: faults?.resumeMismatches ?? 0,
    unclearRefusals: (doors?.unclearRefusals ?? 0) + (faults?.unclearErrors ?? 0),
    soakLeaks: (soak?.leaks ?? 0) + (r?.failed ?? 0),
    casesTried: sum(casesFaults) + sum(casesDoors) + (r ? 2 * r.count : 0) + (t?.epochs ?? 0),
    cases: { faults: casesFaults, doors: casesDoors },
    soak: {
      renders: {
        count: r?.count ?? 0,
        method: r?.method ?? '-',
        rssMb: (r?.rssMb ?? empty).values,
        engineRssMb: (r?.engineRssMb ?? empty).values,
        engineTensors: (r?.engineTensors ?? empty).values,
        flat: { rssMb: (r?.rssMb ?? empty).flatness.flat, engineRssMb: (r?.engineRssMb ?? empty).flatness.flat, engineTensors: (r?.engineTensors ?? empty).flatness.flat }
      },
      training: {
        epochs: t?.epochs ?? 0,
        rssMb: (t?.rssMb ?? empty).values,
        tensors: (t?.tensors ?? empty).values,
        flat: { rssMb: (t?.rssMb ?? empty).flatness.flat, tensors: (t?.tensors ?? empty).flatness.flat }
      },
      rules: { rss: r?.rssMb.flatness.rule ?? '-', tensors: r?.engineTensors.flatness.rule ?? '-' }
    },
    details: details.slice(0, 40)
  }

  const rows = [...Object.entries(casesFaults).map(([k, v]) => [`faults ${k}`, String(v)]), ...Object.entries(casesDoors).map(([k, v]) => [`doors ${k}`, String(v)])]
  log(table(['cases tried', 'count'], rows))
  const curves = soak
    ? [
        ['render service RSS (MB)', soak.renders.rssMb],
        ['engine renders RSS (MB)', soak.renders.engineRssMb],
        ['engine renders live tensors', soak.renders.engineTensors],
        ['training RSS (MB)', soak.training.rssMb],
        ['training live tensors', soak.training.tensors]
      ].map(([name, c]) => {
        const curve = c as SoakResult['training']['rssMb']
        return [name as string, String(curve.values[0] ?? '-'), String(curve.values.at(-1) ?? '-'), curve.flatness.slope.toFixed(3), curve.flatness.flat ? 'flat' : 'NOT FLAT']
      })
    : []
  if (curves.length > 0) log(table(['soak curve', 'first', 'last', 'slope/step (2nd half)', 'verdict'], curves))
  const target = (n: number): string => (n === 0 ? '0 (target 0)' : `${n} (target 0)`)
  log(
    table(
      ['count', 'value'],
      [
        ['crashes', target(reliability.crashes)],
        ['integrityFailures', target(reliability.integrityFailures)],
        ['halfWrittenFiles', target(reliability.halfWrittenFiles)],
        ['requestsLetThrough', target(reliability.requestsLetThrough)],
        ['jobsNotMarkedFailed', target(reliability.jobsNotMarkedFailed)],
        ['resumeMismatches', target(reliability.resumeMismatches)],
        ['unclearRefusals', target(reliability.unclearRefusals)],
        ['soakLeaks', target(reliability.soakLeaks)],
        ['casesTried', String(reliability.casesTried)]
      ]
    )
  )

  if (soak && o.scale === 'full') {
    const out = fileURLToPath(new URL('../../docs/reliability-soak.svg', import.meta.url))
    await writeFileAtomic(out, soakSvg(soak, `npm run bench -- reliability --seed ${o.seed} (${new Date().toISOString().slice(0, 10)}); dashed: least-squares slope of the second half`))
    log(`wrote ${out}`)
  }

  const figures: Record<string, number> = {
    reliabilityCrashes: reliability.crashes,
    reliabilityIntegrityFailures: reliability.integrityFailures,
    reliabilityHalfWrittenFiles: reliability.halfWrittenFiles,
    reliabilityRequestsLetThrough: reliability.requestsLetThrough,
    reliabilityUnclearRefusals: reliability.unclearRefusals,
    reliabilitySoakLeaks: reliability.soakLeaks,
    reliabilityCasesTried: reliability.casesTried
  }
  return { figures, reliability }
}

async function cli(): Promise<void> {
  const { values } = parseArgs({ options: { ...RELIABILITY_OPTIONS } })
  const { reliability } = await benchReliability(reliabilityOptions(values))
  process.stdout.write(JSON.stringify({ reliability }) + '\n')
}

if (import.meta.url === `file://${process.argv[1]}`) await cli()
