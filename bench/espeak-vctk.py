#!/usr/bin/python3
"""Builds a VCTK-0.92-format speech set from espeak-ng voices, for the WaveNet benches (speaker
conditioning, vocoder check). Not committed data: a bench writes it to a temporary folder.

  /usr/bin/python3 bench/espeak-vctk.py OUT [--rate HZ] [--female N] [--male N] [--sentences N]

OUT/speaker-info.txt ("ID AGE GENDER ACCENTS REGION"), OUT/txt/pNNN/pNNN_MMM.txt and
OUT/wav48_silence_trimmed/pNNN/pNNN_MMM_mic1.flac at --rate (mono, 16-bit). Voices: espeak-ng's
English voice with the +fN / +mN variants (female / male), each at its own speaking rate and pitch
offset so two speakers of one gender still differ. Sentences: the Harvard lists (IEEE 1969), public
domain. Deterministic: sox runs without dither, espeak-ng has no randomness.
Needs: espeak-ng, sox, flac (Debian).
"""
import argparse
import os
import subprocess
import tempfile

# Harvard sentences, lists 1-3 (IEEE Recommended Practice for Speech Quality Measurements, 1969).
SENTENCES = [
    'The birch canoe slid on the smooth planks.', 'Glue the sheet to the dark blue background.',
    'It is easy to tell the depth of a well.', 'These days a chicken leg is a rare dish.',
    'Rice is often served in round bowls.', 'The juice of lemons makes fine punch.',
    'The box was thrown beside the parked truck.', 'The hogs were fed chopped corn and garbage.',
    'Four hours of steady work faced us.', 'A large size in stockings is hard to sell.',
    'The boy was there when the sun rose.', 'A rod is used to catch pink salmon.',
    'The source of the huge river is the clear spring.', 'Kick the ball straight and follow through.',
    'Help the woman get back to her feet.', 'A pot of tea helps to pass the evening.',
    'Smoky fires lack flame and heat.', 'The soft cushion broke the man\'s fall.',
    'The salt breeze came across from the sea.', 'The girl at the booth sold fifty bonds.',
    'The small pup gnawed a hole in the sock.', 'The fish twisted and turned on the bent hook.',
    'Press the pants and sew a button on the vest.', 'The swan dive was far short of perfect.',
    'The beauty of the view stunned the young boy.', 'Two blue fish swam in the tank.',
    'Her purse was full of useless trash.', 'The colt reared and threw the tall rider.',
    'It snowed, rained, and hailed the same morning.', 'Read verse out loud for pleasure.',
]
FEMALE = ['f1', 'f2', 'f3', 'f4', 'f5']
MALE = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('out')
    ap.add_argument('--rate', type=int, default=16000)
    ap.add_argument('--female', type=int, default=3)
    ap.add_argument('--male', type=int, default=3)
    ap.add_argument('--sentences', type=int, default=20)
    a = ap.parse_args()
    if not 1 <= a.female <= len(FEMALE) or not 1 <= a.male <= len(MALE):
        raise SystemExit('espeak-vctk: --female is 1..%d and --male 1..%d' % (len(FEMALE), len(MALE)))
    if not 1 <= a.sentences <= len(SENTENCES):
        raise SystemExit('espeak-vctk: --sentences is 1..%d' % len(SENTENCES))
    speakers = [('F', v) for v in FEMALE[:a.female]] + [('M', v) for v in MALE[:a.male]]
    lines = ['ID  AGE  GENDER  ACCENTS  REGION']
    with tempfile.TemporaryDirectory() as work:
        for n, (gender, variant) in enumerate(speakers):
            code = 'p%d' % (500 + n)
            lines.append('%s  30  %s    English    espeak-ng en+%s' % (code, gender, variant))
            wav_dir = os.path.join(a.out, 'wav48_silence_trimmed', code)
            txt_dir = os.path.join(a.out, 'txt', code)
            os.makedirs(wav_dir, exist_ok=True)
            os.makedirs(txt_dir, exist_ok=True)
            for i in range(a.sentences):
                # Each speaker reads its own rotation of the list, so speakers do not share one order.
                text = SENTENCES[(i + 3 * n) % len(SENTENCES)]
                key = '%s_%03d' % (code, i + 1)
                raw = os.path.join(work, 'raw.wav')
                wav = os.path.join(work, 'utt.wav')
                speed = str(160 + 8 * n)
                pitch = str(40 + 4 * n)
                subprocess.run(['espeak-ng', '-v', 'en+' + variant, '-s', speed, '-p', pitch, '-w', raw, text], check=True)
                subprocess.run(['sox', '-D', raw, '-r', str(a.rate), '-c', '1', '-b', '16', wav, 'gain', '-3'], check=True)
                subprocess.run(['flac', '--silent', '-5', '-f', '-o', os.path.join(wav_dir, key + '_mic1.flac'), wav], check=True)
                with open(os.path.join(txt_dir, key + '.txt'), 'w') as f:
                    f.write(text + '\n')
    with open(os.path.join(a.out, 'speaker-info.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
