import type { Command } from '../command'
import { infoCommand } from './info'
import { convertCommand } from './convert'

/**
 * Every headless command, by name. Each feature adds its command module here.
 * Commands are thin: they parse flags and call the same services the app and web host use.
 */
export const commands: Command[] = [infoCommand, convertCommand]
