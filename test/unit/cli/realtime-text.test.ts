/** apply-chain's speed figure: a chain slower than real time (a long tail) read "0x realtime", 0.66 read "1x". */
import { describe, expect, it } from 'vitest'
import { realtimeText } from '../../../src-main/cli/commands/apply-chain'

describe('realtimeText', () => {
  it('gives two significant digits under 10, whole numbers above', () => {
    expect([0.0033, 0.66, 4.54, 9.96, 45.2, 812.6].map(realtimeText)).toEqual(['0.0033x', '0.66x', '4.5x', '10x', '45x', '813x'])
  })
})
