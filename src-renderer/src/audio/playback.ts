import { onBeforeUnmount, watch } from 'vue'
import { useApi } from '../api/client'
import { audibleTracks } from '../lib/mix'
import { useSessionStore } from '../stores/session'
import { useTracksStore } from '../stores/tracks'
import { useTransportStore } from '../stores/transport'
import { PlaybackEngine } from './engine'

/**
 * Keeps the Tone.js engine in step with the stores: loads audio for every clip, mirrors
 * mute/solo/A-B, play/pause/seek/loop, and feeds the playhead and meters back while playing.
 * Owned by the component that calls it; everything is disposed when that unmounts.
 */
export function usePlayback(): void {
  const tracks = useTracksStore()
  const transport = useTransportStore()
  const session = useSessionStore()
  const engine = new PlaybackEngine()
  const loading = new Set<string>()
  let frame = 0
  // Set when the store's position changes because the engine reported it (not a user seek).
  let echo = false

  const syncTracks = async (): Promise<void> => {
    const paths = new Set(tracks.tracks.flatMap((t) => t.clips.map((c) => c.path)))
    for (const path of paths) {
      if (engine.hasAudio(path) || loading.has(path)) continue
      loading.add(path)
      try {
        engine.addAudio(path, await useApi().loadAudio({ path }))
      } catch (err) {
        session.say(err instanceof Error ? err.message : String(err), true)
      } finally {
        loading.delete(path)
      }
    }
    engine.setTracks(tracks.tracks.map((t) => ({ id: t.id, clips: t.clips.map((c) => ({ path: c.path, start: c.start })) })))
    engine.setAudible(audibleTracks(tracks.tracks, transport.ab))
  }

  const tick = (): void => {
    echo = true
    transport.seek(engine.position())
    echo = false
    transport.setLevels(engine.levels())
    frame = requestAnimationFrame(tick)
  }

  const stops = [
    watch(() => tracks.tracks.map((t) => `${t.id}:${t.clips.map((c) => c.path + '@' + c.start).join(',')}`).join('|'), () => void syncTracks(), { immediate: true }),
    watch(
      () => [tracks.tracks.map((t) => `${t.id}${t.muted}${t.solo}`).join(), transport.ab],
      () => engine.setAudible(audibleTracks(tracks.tracks, transport.ab)),
      { deep: true }
    ),
    watch(
      () => transport.playing,
      async (playing) => {
        if (playing) {
          await syncTracks()
          // With looping on, a playhead outside the region starts from the region (what a producer expects).
          const loop = transport.loopEnabled ? transport.loop : null
          const from = loop && (transport.position < loop.start || transport.position >= loop.end) ? loop.start : transport.position
          transport.seek(from)
          await engine.play(from)
          cancelAnimationFrame(frame)
          frame = requestAnimationFrame(tick)
        } else {
          engine.pause()
          cancelAnimationFrame(frame)
          transport.setLevels({})
        }
      }
    ),
    watch(
      () => transport.position,
      (t) => {
        if (!echo) engine.seek(t)
      },
      // Synchronous, so the echo flag set around the engine's own updates is still up when this runs.
      { flush: 'sync' }
    ),
    watch(
      () => (transport.loopEnabled ? transport.loop : null),
      (region) => engine.setLoop(region ? { ...region } : null),
      { immediate: true, deep: true }
    )
  ]

  onBeforeUnmount(() => {
    cancelAnimationFrame(frame)
    for (const stop of stops) stop()
    engine.dispose()
  })
}
