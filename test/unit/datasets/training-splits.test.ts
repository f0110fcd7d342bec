/**
 * A tagger's split choice (datasets/mtat/training-splits.ts): the standard split by folder, and a
 * user's split file, read only when it is a regular file: a device or a FIFO named as the file (the
 * path a resumed run recorded, or evaluate's --split-choice) is refused unread, not read without end.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assignTaggerSplits, type SplitClip } from '../../../src-main/datasets/mtat/training-splits'
import { expectRefusedLine } from '../refused-line'

let dir: string
const root = '/data/mtat'
const clips: SplitClip[] = [
  { clipId: 1, sourceKey: '10', path: `${root}/0/a.mp3` },
  { clipId: 2, sourceKey: '20', path: `${root}/c/b.mp3` },
  { clipId: 3, sourceKey: '30', path: `${root}/f/c.mp3` }
]

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eb-training-splits-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('assignTaggerSplits', () => {
  it('places clips by the archive folder, and by a split file by id or path', () => {
    expect([...assignTaggerSplits(clips, root, 'standard')]).toEqual([
      [1, 'train'],
      [2, 'valid'],
      [3, 'test']
    ])
    const file = join(dir, 'split.txt')
    writeFileSync(file, '10 test\nc/b.mp3 train\n')
    expect([...assignTaggerSplits(clips, root, { file })]).toEqual([
      [1, 'test'],
      [2, 'train']
    ])
  })

  it('refuses a split file that is missing, a device, or a FIFO, unread, in one line naming it', () => {
    expectRefusedLine(() => assignTaggerSplits(clips, root, { file: join(dir, 'none.txt') }), /^split file .*none\.txt: cannot read \(.*ENOENT/)
    expectRefusedLine(() => assignTaggerSplits(clips, root, { file: '/dev/zero' }), /^split file \/dev\/zero: not a regular file$/)
    const zero = join(dir, 'zero.txt')
    symlinkSync('/dev/zero', zero)
    expectRefusedLine(() => assignTaggerSplits(clips, root, { file: zero }), /^split file .*zero\.txt: not a regular file$/)
    // A FIFO with no writer: opening it to read would block this process for good.
    const fifo = join(dir, 'fifo.txt')
    execFileSync('mkfifo', [fifo])
    expectRefusedLine(() => assignTaggerSplits(clips, root, { file: fifo }), /^split file .*fifo\.txt: not a regular file$/)
  })
})
