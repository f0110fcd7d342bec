import type { Command } from '../command'
import { vaeMap } from '../../api/vae-pictures'
import { describePicture, pictureFlags, pictureOptions } from './vae-samples'

/** `vae-map`: the 2-D latent map of a 2-latent VAE (Kingma & Welling, fig. 4) as PNG. */
export const vaeMapCommand: Command = {
  name: 'vae-map',
  summary: "Write a PNG of a 2-latent VAE's latent space: decodings over an n x n grid of the prior's quantiles",
  usage: 'vae-map --model ID --out map.png [--n 20] [--data-dir D] [--json]',
  options: pictureOptions,
  async run(ctx) {
    const p = await vaeMap(pictureFlags(ctx))
    ctx.print(describePicture(p, 'latent map'))
    return { ...p }
  }
}
