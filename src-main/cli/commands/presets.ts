import { basename, extname } from 'node:path'
import { presetInfo, readChainFile, renderChain, writeChainFile } from '../../api/presets'
import { PARAM_RANGES, type EffectChain } from '../../engine/effects/chain'
import type { Library } from '../../library/library'
import { UserError } from '../../util/errors'
import { CliUsageError, stringFlag, type Command, type CommandContext } from '../command'
import { dataDirOption, positiveIntFlag, withCommandLibrary } from './data-dir'

const SUBCOMMANDS = ['list', 'show', 'save', 'import', 'export', 'rename', 'rm'] as const
type Sub = (typeof SUBCOMMANDS)[number]

/** A knob's value with its unit: "120 Hz", "-3.5 dB", "40 %", "4". */
export function knobText(path: string, v: number): string {
  const unit = PARAM_RANGES[path.replace(/^eq\.bands\.\d+\./, 'eq.band.')]?.unit ?? ''
  if (unit === '%') return `${Math.round(v * 100)} %`
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2
  return `${Number(v.toFixed(digits))}${unit ? ` ${unit}` : ''}`
}

/** The chain as a few readable lines, one per stage (what `presets show` prints). */
export function describeChain(c: EffectChain): string[] {
  const k = knobText
  const eq = c.eq
  const bands = eq.bands.map((b, i) => `${k(`eq.bands.${i}.freq`, b.freq)} ${k('eq.band.gain', b.gain)} q ${k('eq.band.q', b.q)}`).join(', ')
  return [
    `  amount ${k('amount', c.amount)}`,
    `  eq (${k('eq.amount', eq.amount)}): high-pass ${k('eq.highpass', eq.highpass)}, low-pass ${k('eq.lowpass', eq.lowpass)}, low shelf ${k('eq.lowShelf.freq', eq.lowShelf.freq)} ${k('eq.lowShelf.gain', eq.lowShelf.gain)}, high shelf ${k('eq.highShelf.freq', eq.highShelf.freq)} ${k('eq.highShelf.gain', eq.highShelf.gain)}`,
    `    bands: ${bands}`,
    `  compressor (${k('compressor.amount', c.compressor.amount)}): threshold ${k('compressor.threshold', c.compressor.threshold)}, ratio ${k('compressor.ratio', c.compressor.ratio)}, attack ${k('compressor.attack', c.compressor.attack)}, release ${k('compressor.release', c.compressor.release)}, knee ${k('compressor.knee', c.compressor.knee)}, makeup ${k('compressor.makeup', c.compressor.makeup)}`,
    `  saturation (${k('saturation.amount', c.saturation.amount)}): drive ${k('saturation.drive', c.saturation.drive)}, mix ${k('saturation.mix', c.saturation.mix)}`,
    `  reverb (${k('reverb.amount', c.reverb.amount)}): decay ${k('reverb.decay', c.reverb.decay)}, pre-delay ${k('reverb.preDelay', c.reverb.preDelay)}, damping ${k('reverb.damping', c.reverb.damping)}, wet ${k('reverb.wet', c.reverb.wet)}`,
    `  output: ${k('output.loudness', c.output.loudness)}, true peak ceiling ${k('output.truePeak', c.output.truePeak)}`
  ]
}
function idArg(ctx: CommandContext, sub: Sub): number {
  const raw = ctx.positionals[1]
  if (raw === undefined) throw new CliUsageError(`presets ${sub}: give the preset id (\`presets\` lists them)`)
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new CliUsageError(`presets ${sub}: "${raw}" is not a preset id`)
  return Number(raw)
}

function nameFlag(ctx: CommandContext, sub: Sub, fallback?: string): string {
  const name = stringFlag(ctx, 'name') ?? fallback
  if (name === undefined) throw new CliUsageError(`presets ${sub}: --name N is required`)
  return name
}

function printPreset(ctx: CommandContext, lib: Library, id: number): Record<string, unknown> {
  const p = presetInfo({ ...lib.presets.require(id), problem: null })
  ctx.print(`preset ${p.id}  ${p.name}${p.sourceRenderId !== null ? `  (from render ${p.sourceRenderId})` : ''}`)
  for (const line of describeChain(p.chain!)) ctx.print(line)
  return { preset: p }
}

/** `presets`: list, show, save (from a match render), import, export, rename and remove effect-chain presets. */
export const presetsCommand: Command = {
  name: 'presets',
  summary: 'Manage effect-chain presets: list, show, save from a match render, import, export, rename, remove',
  usage:
    'presets [list] | presets show ID | presets save --render ID --name N | presets import FILE.json [--name N] | presets export ID --out FILE.json | presets rename ID --name N | presets rm ID  [--data-dir D] [--json]',
  options: { render: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' }, ...dataDirOption },
  positionals: { min: 0, max: 2 },
  async run(ctx) {
    const sub = (ctx.positionals[0] ?? 'list') as Sub
    if (!SUBCOMMANDS.includes(sub)) throw new CliUsageError(`presets: "${sub}" is not one of ${SUBCOMMANDS.join(', ')}`)
    if (ctx.positionals.length > 1 && (sub === 'list' || sub === 'save')) throw new CliUsageError(`presets ${sub}: unexpected argument "${ctx.positionals[1]}"`)
    return withCommandLibrary(ctx, async (lib) => {
      switch (sub) {
        case 'list': {
          const presets = lib.presets.list().map(presetInfo)
          for (const p of presets) ctx.print(`preset ${p.id}  ${p.name}${p.sourceRenderId !== null ? `  (from render ${p.sourceRenderId})` : ''}${p.problem ? `  unreadable: ${p.problem}` : ''}`)
          if (presets.length === 0) ctx.print('no presets yet (save a match render\'s chain with `presets save --render ID --name N`)')
          return { presets }
        }
        case 'show':
          return printPreset(ctx, lib, idArg(ctx, sub))
        case 'save': {
          const renderId = positiveIntFlag(ctx, 'render')
          if (renderId === undefined) throw new CliUsageError('presets save: --render ID is required (a match render; `stylize --method match --json` prints its id)')
          const id = lib.presets.add({ name: nameFlag(ctx, sub), chain: renderChain(lib, renderId), sourceRenderId: renderId })
          ctx.print(`saved preset ${id}`)
          return printPreset(ctx, lib, id)
        }
        case 'import': {
          const file = ctx.positionals[1]
          if (file === undefined) throw new CliUsageError('presets import: give the chain file (FILE.json)')
          const chain = await readChainFile(file)
          const id = lib.presets.add({ name: nameFlag(ctx, sub, basename(file, extname(file))), chain })
          ctx.print(`imported preset ${id}`)
          return printPreset(ctx, lib, id)
        }
        case 'export': {
          const id = idArg(ctx, sub)
          const out = stringFlag(ctx, 'out')
          if (out === undefined) throw new CliUsageError('presets export: --out FILE.json is required')
          const p = lib.presets.require(id)
          await writeChainFile(out, p.chain)
          ctx.print(`wrote ${out} (preset ${id}, ${p.name})`)
          return { preset: id, out }
        }
        case 'rename': {
          const id = idArg(ctx, sub)
          if (!lib.presets.rename(id, nameFlag(ctx, sub))) throw new UserError(`preset ${id}: not in the library`)
          return printPreset(ctx, lib, id)
        }
        case 'rm': {
          const id = idArg(ctx, sub)
          if (!lib.presets.remove(id)) throw new UserError(`preset ${id}: not in the library`)
          ctx.print(`removed preset ${id}`)
          return { removed: id }
        }
      }
    })
  }
}
