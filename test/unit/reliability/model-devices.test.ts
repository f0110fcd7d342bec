/**
 * Regression test for a fault the reliability campaign (issue 18) did not make: a checkpoint folder
 * whose weights.bin (or model.json) is a symlink to a device. The manifest's paths were already
 * held inside the folder, but /dev/zero behind the name was read to Node's 2 GB limit; a FIFO would
 * block the read. Smallest inputs: a one-layer model with each file linked to /dev/zero, and a
 * sparse weights.bin one byte past the 1 GB bound.
 */
import { mkdtemp, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tfl } from '../../../src-main/engine/tf'
import { loadModel, MODEL_JSON, saveModel, WEIGHTS_BIN } from '../../../src-main/engine/models/model-files'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eb-model-devices-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A saved one-layer model in a fresh folder `name`. */
async function savedModel(name: string): Promise<string> {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] })
  const folder = join(dir, name)
  await saveModel(model, folder)
  model.dispose()
  return folder
}

describe('model folders whose files are not regular files', () => {
  it('refuses weights.bin linked to /dev/zero unread, naming it', async () => {
    const folder = await savedModel('weights-zero')
    await unlink(join(folder, WEIGHTS_BIN))
    await symlink('/dev/zero', join(folder, WEIGHTS_BIN))
    await expect(loadModel(folder)).rejects.toThrow(`${join(folder, WEIGHTS_BIN)}: not a regular file`)
  })

  it('refuses model.json linked to /dev/zero unread, naming it', async () => {
    const folder = await savedModel('json-zero')
    await unlink(join(folder, MODEL_JSON))
    await symlink('/dev/zero', join(folder, MODEL_JSON))
    await expect(loadModel(folder)).rejects.toThrow(`${join(folder, MODEL_JSON)}: not a regular file`)
  })

  it('refuses weights.bin one byte past 1 GB by its size, before reading it', async () => {
    const folder = await savedModel('weights-huge')
    await writeFile(join(folder, WEIGHTS_BIN), '')
    await truncate(join(folder, WEIGHTS_BIN), 1024 * 1024 * 1024 + 1)
    await expect(loadModel(folder)).rejects.toThrow(`${join(folder, WEIGHTS_BIN)}: 1025 MB is larger than the 1024 MB a model file can be`)
  })
})
