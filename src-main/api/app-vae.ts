/**
 * The app's door onto the VAE pictures (vae-pictures.ts): a trained MNIST VAE's sample grid or
 * latent map as PNG bytes, binary on the wire (as exportAudio returns a file), drawn in memory.
 */
import type { VaePicture, VaePictureRequest } from '../../src-preload/api'
import { vaePicturePng } from './vae-pictures'

/** The VAE picture method of the contract. */
export interface VaePictureService {
  handlers: { vaePicture(req: VaePictureRequest): Promise<VaePicture> }
}

/** Pictures of the models of `dataDir`'s library; a model that is not an image VAE, or a map of other than 2 latents, is refused in one line. */
export function createVaePictureService(opts: { dataDir: string }): VaePictureService {
  return {
    handlers: {
      async vaePicture(req) {
        const { png, ...figures } = await vaePicturePng({ ...req, dataDir: opts.dataDir })
        return { ...figures, png: png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer }
      }
    }
  }
}
