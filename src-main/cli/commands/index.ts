import type { Command } from '../command'
import { infoCommand } from './info'
import { convertCommand } from './convert'
import { stylizeCommand } from './stylize'
import { demoCommand } from './demo'
import { importMtatCommand } from './import-mtat'
import { importVctkCommand } from './import-vctk'
import { importMnistCommand } from './import-mnist'
import { importGloveCommand } from './import-glove'
import { tagsCommand } from './tags'
import { clipsCommand } from './clips'
import { speakersCommand } from './speakers'
import { trainTaggerCommand } from './train-tagger'
import { trainWavenetCommand } from './train-wavenet'
import { generateCommand } from './generate'
import { evaluateCommand } from './evaluate'
import { tagCommand } from './tag'
import { exportCommand } from './export'
import { modelsCommand } from './models'
import { foolCommand } from './fool'
import { applyChainCommand } from './apply-chain'
import { presetsCommand } from './presets'
import { trainVaeCommand } from './train-vae'
import { vaeSamplesCommand } from './vae-samples'
import { vaeMapCommand } from './vae-map'
import { melCommand } from './mel'
import { latentCommand } from './latent'
import { datasetsCommand } from './datasets'

/**
 * Every headless command, by name. Each feature adds its command module here.
 * Commands are thin: they parse flags and call the same services the app and web host use.
 */
export const commands: Command[] = [infoCommand, convertCommand, stylizeCommand, demoCommand, importMtatCommand, importVctkCommand, importMnistCommand, importGloveCommand, tagsCommand, clipsCommand, speakersCommand, trainTaggerCommand, trainWavenetCommand, generateCommand, melCommand, evaluateCommand, tagCommand, exportCommand, modelsCommand, foolCommand, applyChainCommand, presetsCommand, trainVaeCommand, vaeSamplesCommand, vaeMapCommand, latentCommand, datasetsCommand]
