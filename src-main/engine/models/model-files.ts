/**
 * Model files in the TF.js Layers format (https://www.tensorflow.org/js/guide/save_load): a folder
 * holding `model.json` (the Keras topology, training config and weights manifest) and
 * `weights.bin`. tfjs-node ships a `file://` handler; the wasm and cpu backends do not, so this is
 * the IOHandler for Node's file system, shared by every backend. Folders are written atomically:
 * into a hidden sibling folder, every file fsynced, then renamed into place, so a crash leaves
 * either the old model or the new one, never half of one. The files are what
 * `tensorflowjs_converter --input_format tfjs_layers_model --output_format keras` reads.
 */
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { tf, tfl } from '../tf'
import { UserError, describeError } from '../../util/errors'
import { cannotWrite, tempPathFor } from '../../util/atomic-write'

/** The file names inside a model folder. */
export const MODEL_JSON = 'model.json'
export const WEIGHTS_BIN = 'weights.bin'

/** A Layers model, as the engine passes them around. */
export type LayersModel = Awaited<ReturnType<typeof tfl.loadLayersModel>>

/** What saving wrote. */
export interface SavedModel {
  dir: string
  /** Bytes of model.json plus weights.bin. */
  bytes: number
}

/** True when `dir` already holds a model.json. */
export async function holdsModel(dir: string): Promise<boolean> {
  return (await stat(join(dir, MODEL_JSON)).catch(() => undefined))?.isFile() === true
}

/**
 * Saves `model` into the folder `dir` (created; its parent too). Refuses a folder that already
 * holds a model unless `overwrite` (then the old folder is replaced in one rename). With
 * `includeOptimizer` the optimizer's state (Adam's moments and step) is saved with the weights, so
 * training can resume exactly. `metadata` lands in model.json's userDefinedMetadata.
 */
export async function saveModel(
  model: LayersModel,
  dir: string,
  opts: { overwrite?: boolean; includeOptimizer?: boolean; metadata?: Record<string, unknown> } = {}
): Promise<SavedModel> {
  if (!opts.overwrite && (await holdsModel(dir))) throw new UserError(`${dir}: already holds a model (model.json); choose another folder`)
  let bytes = 0
  const handler: tf.io.IOHandler = {
    save: async (artifacts) => {
      const weights = new Uint8Array(artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0))
      // The model.json layout of the TF.js Layers format (what tfjs-node's file:// handler writes).
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? 'TensorFlow.js tfjs-layers',
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig && { trainingConfig: artifacts.trainingConfig }),
        ...((artifacts.userDefinedMetadata || opts.metadata) && { userDefinedMetadata: { ...artifacts.userDefinedMetadata, ...opts.metadata } as Record<string, NonNullable<unknown>> })
      }
      const json = JSON.stringify(modelJson)
      bytes = Buffer.byteLength(json) + weights.byteLength
      await writeFolderAtomic(dir, { [MODEL_JSON]: json, [WEIGHTS_BIN]: weights }, opts.overwrite === true)
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) }
    }
  }
  await model.save(handler, { includeOptimizer: opts.includeOptimizer === true })
  return { dir, bytes }
}

// model.json holds the topology and the manifest: kilobytes. The largest weights here are tens of MB.
const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024
const MAX_WEIGHTS_BYTES = 1024 * 1024 * 1024

/**
 * Throws a UserError unless `file` is a regular file of at most `maxBytes`: a link to a device
 * (/dev/zero) would otherwise be read to Node's 2 GB limit, and a FIFO would block the read.
 */
async function requireModelFile(file: string, maxBytes: number): Promise<void> {
  const st = await stat(file).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code
    throw new UserError(`${file}: ${code === 'ENOENT' && file.endsWith(MODEL_JSON) ? 'no model here (model.json not found)' : `cannot read (${describeError(err)})`}`)
  })
  if (!st.isFile()) throw new UserError(`${file}: not a regular file`)
  if (st.size > maxBytes) throw new UserError(`${file}: ${Math.ceil(st.size / 1024 / 1024)} MB is larger than the ${maxBytes / 1024 / 1024} MB a model file can be`)
}

/** Reads a model folder's model.json and weights as tfjs ModelArtifacts; a UserError names what is wrong. */
export async function readModelArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const jsonPath = join(dir, MODEL_JSON)
  let modelJson: tf.io.ModelJSON
  try {
    await requireModelFile(jsonPath, MAX_MODEL_JSON_BYTES)
    modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON
  } catch (err) {
    if (err instanceof UserError) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw new UserError(`${jsonPath}: ${code === 'ENOENT' ? 'no model here (model.json not found)' : `cannot read (${describeError(err)})`}`)
  }
  if (typeof modelJson !== 'object' || modelJson === null || !modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) {
    throw new UserError(`${jsonPath}: not a TF.js Layers model (no modelTopology or weightsManifest)`)
  }
  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights)
    const buffers: ArrayBuffer[] = []
    for (const group of manifest) {
      for (const p of group.paths) {
        const file = join(dir, p)
        if (basename(p) !== p) throw new UserError(`${jsonPath}: weights path "${p}" leaves the model folder`)
        await requireModelFile(file, MAX_WEIGHTS_BYTES)
        const b = await readFile(file).catch((err: unknown) => {
          throw new UserError(`${file}: cannot read the weights (${describeError(err)})`)
        })
        buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer)
      }
    }
    const data = tf.io.concatenateArrayBuffers(buffers)
    const needed = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (s.dtype === 'float32' || s.dtype === 'int32' ? 4 : 1), 0)
    // Longer is refused too: a weights file of a larger model would otherwise load its first bytes silently.
    if (data.byteLength !== needed) throw new UserError(`${dir}: weights are ${data.byteLength} bytes, the manifest needs ${needed} (${data.byteLength < needed ? 'truncated file?' : 'the weights of another model?'})`)
    return [specs, data]
  })
}

/**
 * Loads a model folder with tfjs-layers' own loader (tf.loadLayersModel); with `strict`, every
 * weight must match the topology. The optimizer state saved with includeOptimizer is restored when
 * the model was saved compiled (free it with disposeModel); with `optimizer: false` (inference:
 * tagging, generating, exporting, styling) the model is not compiled and that state is decoded and
 * dropped at once, so there is none to leak. Rejects with a UserError naming the folder.
 */
export async function loadModel(dir: string, opts: { optimizer?: boolean } = {}): Promise<LayersModel> {
  const read = await readModelArtifacts(dir)
  // Without a training config tfjs-layers compiles nothing: the optimizer's weights are disposed unread.
  const artifacts = opts.optimizer === false ? { ...read, trainingConfig: undefined } : read
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true })
  } catch (err) {
    if (err instanceof UserError) throw err
    throw new UserError(`${dir}: cannot load the model (${describeError(err)})`, { cause: err })
  }
}

/**
 * Frees a model and the optimizer it was compiled with. tfjs-layers' model.dispose() frees only an
 * optimizer it made itself (compiled by name); ours are given as objects (tf.train.adam(...)), and
 * one restored from a checkpoint's training config is not the model's either, so Adam's step
 * scalars and a moment pair per weight stayed behind on every model disposed alone (measured).
 */
export function disposeModel(model: LayersModel): void {
  ;(model.optimizer as LayersModel['optimizer'] | undefined)?.dispose()
  model.dispose()
}

/** Writes `files` into a hidden sibling of `dir`, fsyncs each, then renames the folder into place. */
async function writeFolderAtomic(dir: string, files: Record<string, string | Uint8Array>, replace: boolean): Promise<void> {
  const tmp = tempPathFor(dir)
  const old = `${tmp}-old`
  try {
    await mkdir(dirname(dir), { recursive: true })
    await mkdir(tmp)
    for (const [name, data] of Object.entries(files)) {
      const fh = await open(join(tmp, name), 'w')
      try {
        await fh.writeFile(data)
        await fh.sync()
      } finally {
        await fh.close()
      }
    }
    // A folder cannot be renamed over a non-empty one: the old one steps aside first, then goes.
    const existing = replace && (await stat(dir).catch(() => undefined)) !== undefined
    if (existing) await rename(dir, old)
    try {
      await rename(tmp, dir)
    } catch (err) {
      if (existing) await rename(old, dir)
      throw err
    }
    if (existing) await rm(old, { recursive: true, force: true })
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined)
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new UserError(`${dir}: already exists and is not empty; choose another folder`)
    throw cannotWrite(dir, err)
  }
}
