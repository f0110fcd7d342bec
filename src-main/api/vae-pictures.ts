/**
 * The VAE pictures service: a grid of samples from a trained image VAE's prior, and the 2-D latent
 * map of a 2-latent one (Kingma & Welling 2014, fig. 4), written as PNG. Each picture is one small
 * batch through the decoder, so it runs here rather than as a job. Pixels show the decoder's mean
 * (the Bernoulli probabilities), as the paper's figures do.
 */
import { stat } from 'node:fs/promises'
import { dirname, extname, resolve } from 'node:path'
import { tf } from '../engine/tf'
import { initBackend } from '../engine/backend'
import { disposeModel } from '../engine/models/model-files'
import { decodeMean } from '../engine/models/vae/mlp'
import { encodePng, latentMapPoints, tileImages, type GreyImage } from '../engine/models/vae/pictures'
import { resolveVaeModel, type LoadedVae } from '../jobs/vae-model'
import { Library } from '../library/library'
import { resolveDataDir } from '../library/data-dir'
import { writeFileAtomic } from '../util/atomic-write'
import { UserError } from '../util/errors'

/** What a picture request wrote. */
export interface VaePicture {
  path: string
  modelId: number
  checkpointId: number | null
  width: number
  height: number
  /** Images in the picture. */
  tiles: number
}

/** A picture drawn in memory (the app's door): the PNG file's bytes and what they show. */
export type VaePng = Omit<VaePicture, 'path'> & { png: Uint8Array }

/** Most tiles in one picture: 1,024 digits are a 32 x 32 grid, already larger than a screen. */
const MAX_TILES = 1024

/** A grid of `n` samples from the prior of VAE `modelId`, decoded to their means. */
export async function vaeSamples(req: { modelId: number; out: string; n?: number; dataDir?: string }): Promise<VaePicture> {
  const draw = samplesDrawing(req.n)
  return writePicture(req.out, () => drawPicture(req, draw))
}

/** The n x n latent map of 2-latent VAE `modelId` over its prior's quantiles (n: 20 by default). */
export async function vaeMap(req: { modelId: number; out: string; n?: number; dataDir?: string }): Promise<VaePicture> {
  const draw = mapDrawing(req.modelId, req.n)
  return writePicture(req.out, () => drawPicture(req, draw))
}

/** The samples grid (`kind` 'samples') or latent map ('map') of VAE `modelId` as PNG bytes, written nowhere. */
export async function vaePicturePng(req: { modelId: number; kind: 'samples' | 'map'; n?: number; dataDir?: string }): Promise<VaePng> {
  return drawPicture(req, req.kind === 'map' ? mapDrawing(req.modelId, req.n) : samplesDrawing(req.n))
}

type Drawing = (loaded: LoadedVae) => { img: GreyImage; tiles: number }

/** Draws `n` prior samples (64 by default); a bad `n` is refused before any model loads. */
function samplesDrawing(requested: number | undefined): Drawing {
  const n = requested ?? 64
  if (!Number.isInteger(n) || n < 1 || n > MAX_TILES) throw new UserError(`n: ${n} is not a whole number in 1..${MAX_TILES}`)
  return (loaded) => {
    const images = tf.tidy(() => {
      const z = loaded.vae.parts.prior.sample(n)
      return decodeMean(loaded.vae, z).dataSync() as Float32Array
    })
    return { img: tileImages(images, n, loaded.spec.rows, loaded.spec.cols, Math.ceil(Math.sqrt(n))), tiles: n }
  }
}

/** Draws the n x n latent map (20 by default) of 2-latent model `modelId`; a bad `n` is refused before any model loads. */
function mapDrawing(modelId: number, requested: number | undefined): Drawing {
  const n = requested ?? 20
  if (!Number.isInteger(n) || n < 2 || n * n > MAX_TILES) throw new UserError(`n: ${n} is not a whole number in 2..${Math.floor(Math.sqrt(MAX_TILES))}`)
  return (loaded) => {
    if (loaded.vae.latents !== 2) throw new UserError(`model ${modelId}: has ${loaded.vae.latents} latents; a latent map needs a 2-latent model (train-vae --latents 2)`)
    const g = loaded.vae.parts.prior.gaussian
    if (!g) throw new UserError(`model ${modelId}: its prior has no quantiles to map`)
    const [mean, sd] = tf.tidy(() => {
      const p = g()
      return [Array.from(p.mean.dataSync()), Array.from(tf.exp(tf.mul(0.5, p.logVar)).dataSync())]
    })
    const points = latentMapPoints(n, [mean[0]!, mean[1]!], [sd[0]!, sd[1]!])
    const images = tf.tidy(() => {
      const z = loaded.vae.latentTensor(points)
      return decodeMean(loaded.vae, z).dataSync() as Float32Array
    })
    return { img: tileImages(images, n * n, loaded.spec.rows, loaded.spec.cols, n, 0), tiles: n * n }
  }
}

/** Checks the output path (before any model loads), draws, and writes the PNG there. */
async function writePicture(requested: string, draw: () => Promise<VaePng>): Promise<VaePicture> {
  const out = resolve(requested)
  if (extname(out).toLowerCase() !== '.png') throw new UserError(`--out ${requested}: not a .png file name`)
  if (!(await stat(dirname(out)).catch(() => null))?.isDirectory()) throw new UserError(`--out ${requested}: folder ${dirname(out)} does not exist`)
  const { png, ...rest } = await draw()
  await writeFileAtomic(out, png)
  return { path: out, ...rest }
}

/** Loads the model's newest checkpoint and draws the picture as PNG bytes. */
async function drawPicture(req: { modelId: number; dataDir?: string }, draw: Drawing): Promise<VaePng> {
  await initBackend()
  const lib = Library.open(resolveDataDir(req.dataDir))
  let loaded: LoadedVae | null = null
  try {
    loaded = await resolveVaeModel(lib, req.modelId)
    const { img, tiles } = draw(loaded)
    return { png: encodePng(img), modelId: req.modelId, checkpointId: loaded.checkpointId, width: img.width, height: img.height, tiles }
  } finally {
    if (loaded) disposeModel(loaded.model)
    lib.close()
  }
}
