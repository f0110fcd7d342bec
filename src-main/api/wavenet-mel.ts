/**
 * Log-mel files for a WaveNet's local conditioning: the frames of a recording computed with the
 * settings a mel-conditioned model was trained with (its model record keeps them), written as the
 * JSON log-mel file of datasets/mel-file.ts that `generate --mel` reads. No TensorFlow: pure DSP
 * over the library's record.
 */
import { resolve } from 'node:path'
import { withLibrary } from './library'
import { loadConditioning, writeMelFile } from '../datasets/mel-file'
import type { MelSettings } from '../dsp/mel-frames'
import { UserError } from '../util/errors'
import type { Samples } from '../util/units'

/** A `mel` request: the recording, the model whose settings to use (by model or checkpoint id), the .json to write. */
export interface MelFileRequest {
  input: string
  out: string
  modelId?: number
  checkpointId?: number
  dataDir?: string
}

/** What was written. */
export interface MelFileResult {
  modelId: number
  out: string
  settings: MelSettings
  frames: number
  /** Samples of the recording at the model's rate. */
  samples: Samples
}

/** The mel settings of a WaveNet model (by model id, or a checkpoint's model); refused in one line for any other model. */
export async function modelMelSettings(ref: { modelId?: number; checkpointId?: number; dataDir?: string }): Promise<{ modelId: number; settings: MelSettings }> {
  return withLibrary(ref.dataDir, (lib) => {
    let modelId = ref.modelId
    if (ref.checkpointId !== undefined) {
      const c = lib.checkpoints.get(ref.checkpointId)
      if (!c) throw new UserError(`checkpoint ${ref.checkpointId}: not in the library (see \`models\`)`)
      modelId = lib.runs.get(c.runId)?.modelId
      if (modelId === undefined) throw new UserError(`checkpoint ${ref.checkpointId}: its run has no model record`)
    }
    if (modelId === undefined) throw new UserError('mel: give a model or checkpoint id (`models` lists both)')
    const model = lib.models.get(modelId)
    if (!model) throw new UserError(`model ${modelId}: not in the library`)
    // Kinds are 'wavenet/<variant>' (engine/train/wavenet.ts, not imported: it would load TensorFlow.js here).
    if (!model.kind.startsWith('wavenet/')) throw new UserError(`model ${modelId}: a ${model.kind} model, not a WaveNet`)
    const mel = (model.config as { mel?: MelSettings }).mel
    if (!mel) throw new UserError(`model ${modelId}: takes no local conditioning (train one with --condition mel)`)
    return { modelId, settings: mel }
  })
}

/** Computes the recording's frames with the model's settings and writes them as a log-mel file (atomically). */
export async function writeModelMelFile(req: MelFileRequest): Promise<MelFileResult> {
  if (!req.out.toLowerCase().endsWith('.json')) throw new UserError(`${req.out}: a log-mel file is JSON; give the output a .json name`)
  const { modelId, settings } = await modelMelSettings(req)
  const cond = await loadConditioning(resolve(req.input), settings)
  if (cond.source !== 'audio') throw new UserError(`${req.input}: already a log-mel file; give a recording`)
  const out = resolve(req.out)
  await writeMelFile(out, settings, cond, cond.samples)
  return { modelId, out, settings, frames: cond.frames, samples: cond.samples }
}
