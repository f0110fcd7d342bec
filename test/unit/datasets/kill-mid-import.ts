/**
 * Child process for interrupt.test.ts: imports a MagnaTagATune folder and kills itself with SIGKILL
 * after `rows` rows, inside the import transaction, like a power cut or a force-quit.
 * Usage: tsx kill-mid-import.ts <dataDir> <mtatDir> <rows>
 */
import { Library } from '../../../src-main/library/library'
import { importMtat } from '../../../src-main/datasets/mtat/import'

const [dataDir, mtatDir, rows] = process.argv.slice(2) as [string, string, string]
const lib = Library.open(dataDir)
importMtat(lib, mtatDir, {
  afterRow: (n) => {
    if (n === Number(rows)) process.kill(process.pid, 'SIGKILL')
  }
})
process.stdout.write('finished without being killed\n')
