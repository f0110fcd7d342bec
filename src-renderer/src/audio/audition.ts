import * as Tone from 'tone'
import type { AudioData } from '../../../src-preload/api'

/** Plays one clip at a time outside the timeline (a sample browser's preview). */
export interface Auditioner {
  /** Starts `audio` at `offset` seconds (its beginning by default), stopping any clip still playing; `onEnd` runs when it ends by itself. */
  play(audio: AudioData, onEnd: () => void, offset?: number): Promise<void>
  /** Seconds into the clip playing now (an A/B switch carries it over to the other clip); absent where unknown. */
  position?(): number
  stop(): void
  dispose(): void
}

/** Tone.js audition: a Player straight to the destination, beside (not through) the timeline's Transport. */
export class ToneAuditioner implements Auditioner {
  private player: Tone.Player | null = null
  /** Context time at which the clip's beginning would have played. */
  private startedAt = 0

  async play(audio: AudioData, onEnd: () => void, offset = 0): Promise<void> {
    // The click that asked for the preview is the user gesture the browser wants before audio starts.
    await Tone.start()
    this.stop()
    const length = audio.channels[0]?.length ?? 0
    const buf = Tone.getContext().createBuffer(Math.max(1, audio.channels.length), Math.max(1, length), audio.sampleRate)
    audio.channels.forEach((ch, i) => buf.copyToChannel(ch as Float32Array<ArrayBuffer>, i))
    const player = new Tone.Player(new Tone.ToneAudioBuffer(buf)).toDestination()
    player.onstop = () => {
      // Only the player still current reports its end (a replaced one is stopped on purpose).
      if (this.player === player) {
        this.player = null
        player.dispose()
        onEnd()
      }
    }
    this.player = player
    const at = Math.min(Math.max(offset, 0), buf.duration)
    this.startedAt = Tone.now() - at
    player.start(undefined, at)
  }

  position(): number {
    return this.player ? Tone.now() - this.startedAt : 0
  }

  stop(): void {
    const p = this.player
    this.player = null
    if (p) {
      p.stop()
      p.dispose()
    }
  }

  dispose(): void {
    this.stop()
  }
}
