/**
 * Pictures of an image VAE: a grid of samples from the prior, and the 2-D latent map of a 2-latent
 * model (Kingma & Welling 2014, fig. 4: a regular grid over the unit square mapped through the
 * prior's inverse CDF, each point decoded). Pure functions over Float32Array; the PNG bytes come
 * from pngjs, a maintained encoder.
 */
import { PNG } from 'pngjs'

/**
 * The standard normal quantile Φ⁻¹(p) for p in (0, 1), by Acklam's rational approximation (relative
 * error below 1.2e-9). Written here because it is one small function and no dependency of the
 * project provides it.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: ${p} is not in (0, 1)`)
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239]
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1]
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]
  const low = 0.02425
  const tail = (q: number): number => (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
  if (p < low) return tail(Math.sqrt(-2 * Math.log(p)))
  if (p > 1 - low) return -tail(Math.sqrt(-2 * Math.log(1 - p)))
  const q = p - 0.5
  const r = q * q
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
}

/**
 * The latent points of an n x n map of a 2-D diagonal Gaussian prior (mean, standard deviation per
 * axis): the quantiles (i + ½)/n of each axis, row-major with z₂ falling down the rows (as a plot's
 * y axis). Returns n² points of 2 values.
 */
export function latentMapPoints(n: number, mean: [number, number] = [0, 0], sd: [number, number] = [1, 1]): [number, number][] {
  const q = Array.from({ length: n }, (_, i) => normalQuantile((i + 0.5) / n))
  const points: [number, number][] = []
  for (let row = 0; row < n; row++) for (let col = 0; col < n; col++) points.push([mean[0] + sd[0] * q[col]!, mean[1] + sd[1] * q[n - 1 - row]!])
  return points
}

/** A grey image: row-major levels 0..255. */
export interface GreyImage {
  width: number
  height: number
  pixels: Uint8Array
}

/**
 * Tiles `count` images of rows x cols (values 0..1, row-major, one after another) into a grid of
 * `columns` columns with `gap` black pixels between tiles. Values outside 0..1 are clipped.
 */
export function tileImages(images: Float32Array, count: number, rows: number, cols: number, columns: number, gap = 1): GreyImage {
  const gridRows = Math.ceil(count / columns)
  const width = columns * cols + (columns - 1) * gap
  const height = gridRows * rows + (gridRows - 1) * gap
  const pixels = new Uint8Array(width * height)
  for (let i = 0; i < count; i++) {
    const x0 = (i % columns) * (cols + gap)
    const y0 = Math.floor(i / columns) * (rows + gap)
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = images[i * rows * cols + r * cols + c]!
        pixels[(y0 + r) * width + x0 + c] = Math.round(255 * Math.min(1, Math.max(0, v)))
      }
    }
  }
  return { width, height, pixels }
}

/** A grey image as PNG bytes (8-bit greyscale). */
export function encodePng(img: GreyImage): Buffer {
  const png = new PNG({ width: img.width, height: img.height, colorType: 0, inputColorType: 0, inputHasAlpha: false })
  png.data = Buffer.from(img.pixels)
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false })
}
