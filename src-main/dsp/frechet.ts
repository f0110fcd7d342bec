import { EigenvalueDecomposition, Matrix } from 'ml-matrix'
import { UserError } from '../util/errors'

/** A multivariate Gaussian: mean and full covariance (row-major dim x dim). */
export interface Gaussian {
  dim: number
  mean: Float64Array
  cov: Float64Array
}

/** Mean and unbiased covariance (numpy.cov, rowvar=False) of `count` frame-major vectors of `dim` values. */
export function fitGaussian(frames: ArrayLike<number>, count: number, dim: number): Gaussian {
  if (count < 2) throw new UserError(`a Gaussian needs at least 2 frames, got ${count}`)
  const mean = new Float64Array(dim)
  for (let t = 0; t < count; t++) for (let j = 0; j < dim; j++) mean[j] += frames[t * dim + j]!
  for (let j = 0; j < dim; j++) mean[j] /= count
  const cov = new Float64Array(dim * dim)
  const d = new Float64Array(dim)
  for (let t = 0; t < count; t++) {
    for (let j = 0; j < dim; j++) d[j] = frames[t * dim + j]! - mean[j]!
    for (let i = 0; i < dim; i++) {
      const di = d[i]!
      for (let j = i; j < dim; j++) cov[i * dim + j] += di * d[j]!
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = cov[i * dim + j]! / (count - 1)
      cov[i * dim + j] = v
      cov[j * dim + i] = v
    }
  }
  return { dim, mean, cov }
}

/**
 * Frechet distance between two Gaussians, ||mu_a - mu_b||^2 + tr(Ca + Cb - 2 (Ca Cb)^(1/2)).
 * tr (Ca Cb)^(1/2) is taken as the sum of square roots of the eigenvalues of the symmetric PSD
 * matrix Ca^(1/2) Cb Ca^(1/2) (same spectrum as Ca Cb), so rank-deficient covariances (fewer frames
 * than bands) are handled by clamping rounding-level negative eigenvalues to zero rather than by
 * a non-symmetric matrix square root.
 */
export function frechetDistance(a: Gaussian, b: Gaussian): number {
  if (a.dim !== b.dim) throw new UserError(`Gaussians of dimension ${a.dim} and ${b.dim} cannot be compared`)
  const n = a.dim
  let meanTerm = 0
  for (let i = 0; i < n; i++) meanTerm += (a.mean[i]! - b.mean[i]!) ** 2
  let traces = 0
  for (let i = 0; i < n; i++) traces += a.cov[i * n + i]! + b.cov[i * n + i]!
  let cross = traceSqrtProduct(a.cov, b.cov, n, 0)
  if (!Number.isFinite(cross)) {
    // Eigen-solver trouble (not expected for symmetric input): retry with a ridge far below the data's scale.
    const ridge = (1e-6 * traces) / (2 * n)
    cross = traceSqrtProduct(a.cov, b.cov, n, ridge)
    traces += 2 * n * ridge
  }
  if (!Number.isFinite(cross)) throw new UserError('Frechet distance: covariance square root did not converge')
  // Rounding can leave a tiny negative value for (nearly) identical Gaussians.
  return Math.max(0, meanTerm + traces - 2 * cross)
}

/** tr sqrt(Ca Cb) via the symmetric form, with `ridge` added to both diagonals. */
function traceSqrtProduct(ca: Float64Array, cb: Float64Array, n: number, ridge: number): number {
  const A = toMatrix(ca, n, ridge)
  const B = toMatrix(cb, n, ridge)
  const eA = new EigenvalueDecomposition(A, { assumeSymmetric: true })
  const V = eA.eigenvectorMatrix
  const roots = eA.realEigenvalues.map((l) => Math.sqrt(Math.max(0, l)))
  const sqrtA = V.mmul(Matrix.diag(roots)).mmul(V.transpose())
  const M = sqrtA.mmul(B).mmul(sqrtA)
  const sym = M.add(M.transpose()).mul(0.5)
  const e = new EigenvalueDecomposition(sym, { assumeSymmetric: true })
  let sum = 0
  for (const l of e.realEigenvalues) sum += Math.sqrt(Math.max(0, l))
  return sum
}

function toMatrix(c: Float64Array, n: number, ridge: number): Matrix {
  const m = new Matrix(n, n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, c[i * n + j]! + (i === j ? ridge : 0))
  return m
}
