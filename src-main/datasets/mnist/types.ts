/** Images (row-major, values 0..1) and their labels. */
export interface MnistSet {
  images: Float32Array
  labels: Uint8Array
  count: number
  rows: number
  cols: number
}

/** The two halves of MNIST. */
export interface Mnist {
  train: MnistSet
  test: MnistSet
}
