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

/** Most tiles in one picture: 1,024 digits are a 32 x 32 grid, already larger than a screen. */
const MAX_TILES = 1024

/** A grid of `n` samples from the prior of VAE `modelId`, decoded to their means. */
export async function vaeSamples(req: { modelId: number; out: string; n?: number; dataDir?: string }): Promise<VaePicture> {
  const n = req.n ?? 64
  if (!Number.isInteger(n) || n < 1 || n > MAX_TILES) throw new UserError(`n: ${n} is not a whole number in 1..${MAX_TILES}`)
  return picture(req, (loaded) => {
    const images = tf.tidy(() => {
      const z = loaded.vae.parts.prior.sample(n)
      return decodeMean(loaded.vae, z).dataSync() as Float32Array
    })
    return { img: tileImages(images, n, loaded.spec.rows, loaded.spec.cols, Math.ceil(Math.sqrt(n))), tiles: n }
  })
}

/** The n x n latent map of 2-latent VAE `modelId` over its prior's quantiles (n: 20 by default). */
export async function vaeMap(req: { modelId: number; out: string; n?: number; dataDir?: string }): Promise<VaePicture> {
  const n = req.n ?? 20
  if (!Number.isInteger(n) || n < 2 || n * n > MAX_TILES) throw new UserError(`n: ${n} is not a whole number in 2..${Math.floor(Math.sqrt(MAX_TILES))}`)
  return picture(req, (loaded) => {
    if (loaded.vae.latents !== 2) throw new UserError(`model ${req.modelId}: has ${loaded.vae.latents} latents; a latent map needs a 2-latent model (train-vae --latents 2)`)
    const g = loaded.vae.parts.prior.gaussian
    if (!g) throw new UserError(`model ${req.modelId}: its prior has no quantiles to map`)
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
  })
}

/** Checks the output path, loads the model's newest checkpoint, draws and writes the PNG. */
async function picture(req: { modelId: number; out: string; dataDir?: string }, draw: (loaded: LoadedVae) => { img: GreyImage; tiles: number }): Promise<VaePicture> {
  const out = resolve(req.out)
  if (extname(out).toLowerCase() !== '.png') throw new UserError(`--out ${req.out}: not a .png file name`)
  if (!(await stat(dirname(out)).catch(() => null))?.isDirectory()) throw new UserError(`--out ${req.out}: folder ${dirname(out)} does not exist`)
  await initBackend()
  const lib = Library.open(resolveDataDir(req.dataDir))
  let loaded: LoadedVae | null = null
  try {
    loaded = await resolveVaeModel(lib, req.modelId)
    const { img, tiles } = draw(loaded)
    await writeFileAtomic(out, encodePng(img))
    return { path: out, modelId: req.modelId, checkpointId: loaded.checkpointId, width: img.width, height: img.height, tiles }
  } finally {
    loaded?.model.dispose()
    lib.close()
  }
}
