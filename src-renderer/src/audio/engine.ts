import * as Tone from 'tone'
import type { AudioData } from '../../../src-preload/api'
import { toDb } from '../lib/levels'

/** A track as the engine plays it: its clips (audio by path, start on the timeline). */
export interface EngineTrack {
  id: string
  clips: Array<{ path: string; start: number }>
}

interface Lane {
  channel: Tone.Channel
  meter: Tone.Meter
  players: Tone.Player[]
  signature: string
}

/**
 * Tone.js playback: one Channel + Meter per track, one transport-synced Player per clip, so play,
 * pause, seek and loop all go through Tone's Transport and every track stays sample-aligned.
 * Audibility (mute/solo/A-B, decided in lib/mix) is applied as channel mutes, so the A/B switch
 * changes what is heard instantly at the same position.
 */
export class PlaybackEngine {
  private readonly lanes = new Map<string, Lane>()
  private readonly buffers = new Map<string, Tone.ToneAudioBuffer>()
  private readonly master = new Tone.Meter({ smoothing: 0.6 })

  constructor() {
    Tone.getDestination().connect(this.master)
  }

  /** Registers decoded audio for a path (a Web Audio buffer is made once per file). */
  addAudio(path: string, audio: AudioData): void {
    if (this.buffers.has(path)) return
    const length = audio.channels[0]?.length ?? 0
    const buf = Tone.getContext().createBuffer(Math.max(1, audio.channels.length), Math.max(1, length), audio.sampleRate)
    audio.channels.forEach((ch, i) => buf.copyToChannel(ch as Float32Array<ArrayBuffer>, i))
    this.buffers.set(path, new Tone.ToneAudioBuffer(buf))
  }

  hasAudio(path: string): boolean {
    return this.buffers.has(path)
  }

  /** Makes the engine's lanes match `tracks` (new, changed and removed tracks and clips). */
  setTracks(tracks: EngineTrack[]): void {
    const keep = new Set(tracks.map((t) => t.id))
    for (const [id, lane] of this.lanes) if (!keep.has(id)) this.disposeLane(id, lane)
    for (const t of tracks) {
      const playable = t.clips.filter((c) => this.buffers.has(c.path))
      const signature = playable.map((c) => `${c.path}@${c.start}`).join('|')
      let lane = this.lanes.get(t.id)
      if (lane && lane.signature === signature) continue
      if (!lane) {
        const channel = new Tone.Channel().toDestination()
        const meter = new Tone.Meter({ smoothing: 0.6 })
        channel.connect(meter)
        lane = { channel, meter, players: [], signature: '' }
        this.lanes.set(t.id, lane)
      }
      for (const p of lane.players) p.unsync().dispose()
      lane.players = playable.map((c) => new Tone.Player(this.buffers.get(c.path)!).connect(lane.channel).sync().start(c.start))
      lane.signature = signature
    }
  }

  /** Mutes every lane not in `audible`. */
  setAudible(audible: Set<string>): void {
    for (const [id, lane] of this.lanes) lane.channel.mute = !audible.has(id)
  }

  /** Starts the transport at `from` seconds (resuming the audio context if the browser suspended it). */
  async play(from: number): Promise<void> {
    await Tone.start()
    const transport = Tone.getTransport()
    transport.seconds = from
    transport.start()
  }

  pause(): void {
    Tone.getTransport().pause()
  }

  /** Moves the transport (playing or not). */
  seek(t: number): void {
    Tone.getTransport().seconds = t
  }

  /** Current transport position in seconds. */
  position(): number {
    return Tone.getTransport().seconds
  }

  /** Loops [start, end) or turns looping off. */
  setLoop(region: { start: number; end: number } | null): void {
    const transport = Tone.getTransport()
    if (region) {
      transport.setLoopPoints(region.start, region.end)
      transport.loop = true
    } else transport.loop = false
  }

  /** Meter levels in dBFS per track id plus 'master'. */
  levels(): Record<string, number> {
    const out: Record<string, number> = { master: this.meterDb(this.master) }
    for (const [id, lane] of this.lanes) out[id] = this.meterDb(lane.meter)
    return out
  }

  dispose(): void {
    Tone.getTransport().stop()
    for (const [id, lane] of this.lanes) this.disposeLane(id, lane)
    for (const b of this.buffers.values()) b.dispose()
    this.buffers.clear()
    this.master.dispose()
  }

  private meterDb(m: Tone.Meter): number {
    // Meters are mono (one channel) and report dBFS; a multi-channel reading takes the loudest.
    const v = m.getValue() as number | number[]
    return typeof v === 'number' ? v : toDb(Math.max(...v.map((d) => 10 ** (d / 20))))
  }

  private disposeLane(id: string, lane: Lane): void {
    for (const p of lane.players) p.unsync().dispose()
    lane.meter.dispose()
    lane.channel.dispose()
    this.lanes.delete(id)
  }
}
