import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { VaePicture, VaePictureRequest } from '../../../src-preload/api'
import { useApi } from '../api/client'

/** A picture the view shows: its figures, and the PNG as an object URL the view's <img> reads. */
export interface ShownPicture extends Omit<VaePicture, 'png'> {
  kind: VaePictureRequest['kind']
  url: string
}

/**
 * Pictures of a trained MNIST VAE (its prior's sample grid, a 2-latent model's latent map), drawn by
 * the host as PNG bytes. The store owns the object URL of the picture shown and revokes it when
 * another replaces it and on $reset.
 */
export const useVaePicturesStore = defineStore('vaePictures', () => {
  const picture = shallowRef<ShownPicture | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  // Replies of superseded requests are dropped: a slow grid must not replace the map asked for after it.
  let request = 0

  function show(next: ShownPicture | null): void {
    if (picture.value) URL.revokeObjectURL(picture.value.url)
    picture.value = next
  }

  /** Draws `kind` for model `modelId` (n: the service's default); a refusal is kept in `error` in the service's words. */
  async function draw(modelId: number, kind: VaePictureRequest['kind'], n?: number): Promise<void> {
    const mine = ++request
    loading.value = true
    error.value = null
    try {
      const { png, ...figures } = await useApi().vaePicture({ modelId, kind, ...(n !== undefined && { n }) })
      if (mine !== request) return
      show({ ...figures, kind, url: URL.createObjectURL(new Blob([png], { type: 'image/png' })) })
    } catch (err) {
      if (mine !== request) return
      show(null)
      error.value = err instanceof Error ? err.message : String(err)
    } finally {
      if (mine === request) loading.value = false
    }
  }

  function $reset(): void {
    request += 1
    show(null)
    loading.value = false
    error.value = null
  }

  return { picture, loading, error, draw, $reset }
})
