import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import type { Auditioner } from '../audio/audition'

/** A store's one preview player (given by the view that owns it) and what it is playing. */
export interface AuditionSlot<Id> {
  auditioner: ShallowRef<Auditioner | null>
  playingId: Ref<Id | null>
  /** Takes the view's player (null: the view is gone), disposing the previous one. */
  attach(player: Auditioner | null): void
  /** Stops whatever plays. */
  stop(): void
}

/** The preview player part of a store (the tag browser's clips, the library's renders). */
export function auditionSlot<Id>(): AuditionSlot<Id> {
  const auditioner = shallowRef<Auditioner | null>(null)
  const playingId = ref(null) as Ref<Id | null>
  return {
    auditioner,
    playingId,
    attach(player) {
      auditioner.value?.dispose()
      auditioner.value = player
      playingId.value = null
    },
    stop() {
      auditioner.value?.stop()
      playingId.value = null
    }
  }
}
