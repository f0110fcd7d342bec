#!/usr/bin/env bash
# Regenerates the bundled demo audio. Needs: espeak-ng, fluidsynth, fluid-soundfont-gm, sox,
# /usr/bin/python3 (standard library only). Run from anywhere: `npm run examples`.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
SF2=/usr/share/sounds/sf2/FluidR3_GM.sf2
# sox -R: repeatable mode, so the dither added when going to 16 bits is the same on every run.

# Speech pair (16 kHz mono 16-bit): content = male voice, style = female voice.
# -s 140: a little slower than espeak's default 175 words/min, easier to follow in the demo.
espeak-ng -v en-us+m3 -s 140 -w "$tmp/content.wav" "off I went"
espeak-ng -v en-us+f3 -s 140 -w "$tmp/style.wav" "six spoons of snow peas"
# Trim espeak's leading/trailing silence (below -60 dBFS), peak-normalise to -1 dBFS, then pad 0.1 s
# of silence at each end so no word starts on sample 0.
for v in content style; do
  sox -R "$tmp/$v.wav" -b 16 "$v-voice.wav" channels 1 rate -v 16000 silence 1 0.01 -60d reverse silence 1 0.01 -60d reverse gain -n -1 pad 0.1 0.1
done

# A processed vocal for the match method: the style voice through a "radio" chain (high-pass,
# fast heavy compression, a presence peak, a treble shelf, a small room), made from the file above.
sox -R style-voice.wav -b 16 style-voice-radio.wav gain -6 highpass 150 compand 0.002,0.08 6:-70,-70,-40,-22,0,-12 0 0 0 equalizer 3000 1.5q +6 treble +8 5000 reverb 25 50 40 100 5 gain -n -1

# Music pair: two tiny MIDI files written byte by byte (format 0, 480 ticks per beat, 120 bpm).
/usr/bin/python3 - "$tmp" <<'PY'
import struct, sys

out = sys.argv[1]
TPB = 480  # ticks per beat; 120 bpm = 0.5 s per beat

def vlq(n):
    """MIDI variable-length quantity."""
    b = [n & 0x7F]
    n >>= 7
    while n:
        b.insert(0, (n & 0x7F) | 0x80)
        n >>= 7
    return bytes(b)

def smf(program, notes):
    """notes: (start_beat, length_beats, midi_note, velocity) on channel 0."""
    ev = [(0, b'\xff\x51\x03' + (500000).to_bytes(3, 'big')),  # tempo: 500000 us per beat
          (0, bytes([0xC0, program]))]
    for start, length, note, vel in notes:
        ev.append((round(start * TPB), bytes([0x90, note, vel])))
        ev.append((round((start + length) * TPB), bytes([0x80, note, 0])))
    ev.sort(key=lambda e: (e[0], e[1][0] == 0x90))  # note-offs before note-ons at equal times
    track, now = b'', 0
    for t, data in ev:
        track += vlq(t - now) + data
        now = t
    track += b'\x00\xff\x2f\x00'  # end of track
    return b'MThd' + struct.pack('>IHHH', 6, 0, 1, TPB) + b'MTrk' + struct.pack('>I', len(track)) + track

# Content: acoustic grand piano (program 0), a folk melody in C, 8 beats = 4 s.
E4, D4, C4 = 64, 62, 60
melody = [(E4, 1), (D4, 1), (C4, 1), (D4, 1), (E4, 1), (E4, 1), (E4, 2)]
piano, t = [], 0.0
for note, length in melody:
    piano.append((t, length * 0.95, note, 96))  # 5 % gap so repeated notes are heard as repeats
    t += length
open(f'{out}/content.mid', 'wb').write(smf(0, piano))

# Style: string ensemble (program 48), sustained chords C - Am - F - G, two beats each = 4 s.
chords = [[48, 55, 64], [45, 57, 60], [41, 53, 57], [43, 55, 59]]
strings = [(2 * i, 2, n, 80) for i, ch in enumerate(chords) for n in ch]
open(f'{out}/style.mid', 'wb').write(smf(48, strings))
PY

# Render at 22.05 kHz, then mono, 4 s (plus 0.3 s of release), peak at -1 dBFS.
for v in content style; do
  fluidsynth -ni -q -g 0.6 -r 22050 -F "$tmp/$v-music.wav" "$SF2" "$tmp/$v.mid"
  sox -R "$tmp/$v-music.wav" -b 16 "$v-music.wav" channels 1 rate -v 22050 trim 0 4.3 gain -n -1 fade t 0 4.3 0.2
done
ls -l ./*.wav
du -ch ./*.wav | tail -1
