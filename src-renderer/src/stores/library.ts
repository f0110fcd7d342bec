import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ProjectSummary } from '../../../src-preload/api'

/** The project list and which project is open; saving state for the status line. */
export const useLibraryStore = defineStore('library', () => {
  const projects = ref<ProjectSummary[]>([])
  const currentId = ref<string | null>(null)
  const currentName = ref('')
  const saving = ref(false)
  const savedAt = ref<number | null>(null)
  const error = ref<string | null>(null)

  function setProjects(list: ProjectSummary[]): void {
    projects.value = list
  }
  /** Marks a project as open. */
  function opened(id: string, name: string): void {
    currentId.value = id
    currentName.value = name
    error.value = null
  }
  /** Records the outcome of a save: the stored summary, or the error line. */
  function saved(result: ProjectSummary | { error: string }): void {
    saving.value = false
    if ('error' in result) {
      error.value = result.error
      return
    }
    error.value = null
    savedAt.value = result.updatedAt
    currentName.value = result.name
    const i = projects.value.findIndex((p) => p.id === result.id)
    if (i >= 0) projects.value.splice(i, 1)
    projects.value.unshift(result)
  }
  function $reset(): void {
    projects.value = []
    currentId.value = null
    currentName.value = ''
    saving.value = false
    savedAt.value = null
    error.value = null
  }
  return { projects, currentId, currentName, saving, savedAt, error, setProjects, opened, saved, $reset }
})
