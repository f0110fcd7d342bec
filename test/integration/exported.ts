/** The checks every family's `export` shares, through the CLI. */
import { readdirSync } from 'node:fs'
import { expect } from 'vitest'
import type { cliOn } from '../unit/cli/run-cli'

/** Runs `export --model ID --out OUT --json`; expects model.json + weights.bin there and the Keras command; returns the --json. */
export async function exportThroughCli(cli: ReturnType<typeof cliOn>, modelId: number, out: string): Promise<Record<string, unknown>> {
  const r = await cli('export', '--model', String(modelId), '--out', out, '--json')
  expect(r.code, r.errors.join('\n')).toBe(0)
  expect(readdirSync(out).sort()).toEqual(['model.json', 'weights.bin'])
  expect(r.json).toMatchObject({ out, modelId, converter: `tensorflowjs_converter --input_format tfjs_layers_model --output_format keras ${out}/model.json model.h5` })
  return r.json
}
