import { defineStore } from 'pinia'
import { computed, ref, shallowReactive } from 'vue'
import { CLIP_SEARCH_MAX_CHARS, type BrowserClip, type DatasetTag, type LibraryChange, type ModelSummary, type TagDataset, type TagResult } from '../../../src-preload/api'
import { useApi } from '../api/client'
import { clickTag, tagState, windowsFor, WINDOW_ROWS, type TagClick, type TagFilter } from '../lib/tag-filter'
import { auditionSlot } from './audition-slot'
import { useSessionStore } from './session'

// Typing pauses this long before a query: one request per word, not per key, at typing speed.
export const SEARCH_DEBOUNCE_MS = 150

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err))

// Predicted tags shown beside a clip's annotated ones (MagnaTagATune clips carry about 3).
export const PREDICTED_TAGS = 5

/** A tagger's answer for one clip, or why it has none (one line). */
export type Prediction = { tags: TagResult['tags'] } | { error: string }

/** True for a model the browser can ask for tags: a tagger with at least one checkpoint. */
const isTagger = (m: ModelSummary): boolean => m.kind.startsWith('tagger/') && m.runs.some((r) => r.checkpoints.length > 0)

/**
 * The MagnaTagATune tag browser: a dataset's merged tags, the AND/NOT filter and search words, the
 * matching clips fetched window by window as the virtual list scrolls, one clip auditioned at a time,
 * and a clip put on the content or style track.
 */
export const useTagBrowserStore = defineStore('tagBrowser', () => {
  const open = ref(false)
  const datasets = ref<TagDataset[]>([])
  const datasetId = ref<number | null>(null)
  const tags = ref<DatasetTag[]>([])
  const filter = ref<TagFilter>({ and: [], not: [] })
  const text = ref('')
  /** Rows matching the filter (the virtual list's length). */
  const total = ref(0)
  /** Why nothing matches, or what failed (null when rows are shown). */
  const note = ref<{ text: string; error: boolean } | null>(null)
  const loading = ref(false)
  /** Fetched windows of rows by window index (WINDOW_ROWS rows each), for the current query only. */
  const windows = shallowReactive(new Map<number, BrowserClip[]>())
  /** The clip whose audio is being fetched for audition. */
  const fetchingId = ref<number | null>(null)
  const { auditioner, playingId, attach, stop } = auditionSlot<number>()
  /** The clip last clicked: its annotated tags and a tagger's predicted ones are shown beside the list. */
  const selected = ref<BrowserClip | null>(null)
  /** Trained taggers (listModels), and the one whose predictions are shown (null: none). */
  const taggers = ref<ModelSummary[]>([])
  const taggerId = ref<number | null>(null)
  /** Predictions by "clipId:modelId", kept until a model changes (a new checkpoint may answer otherwise). */
  const predictions = shallowReactive(new Map<string, Prediction>())
  const predicting = ref<string | null>(null)
  let off: (() => void) | null = null

  // Every new query bumps this; a reply for an older one is dropped (a slow answer never overwrites a newer filter).
  let query = 0
  const pending = new Set<number>()
  let debounce: ReturnType<typeof setTimeout> | undefined

  const dataset = computed(() => datasets.value.find((d) => d.id === datasetId.value) ?? null)
  const predictionKey = (clipId: number, modelId: number): string => `${clipId}:${modelId}`
  /** The selected clip's prediction by the chosen tagger (undefined while none is asked or on its way). */
  const prediction = computed(() => (selected.value && taggerId.value !== null ? predictions.get(predictionKey(selected.value.id, taggerId.value)) : undefined))

  /** The row at `index`, or undefined while its window is not fetched yet. */
  function rowAt(index: number): BrowserClip | undefined {
    return windows.get(Math.floor(index / WINDOW_ROWS))?.[index % WINDOW_ROWS]
  }

  async function fetchWindow(w: number, q: number): Promise<number | null> {
    const id = datasetId.value
    if (id === null) return null
    const page = await useApi().queryClips({ datasetId: id, tags: filter.value.and, notTags: filter.value.not, text: text.value, offset: w * WINDOW_ROWS, limit: WINDOW_ROWS })
    if (q !== query) return null
    windows.set(w, page.clips)
    total.value = page.total
    note.value = page.message === null ? null : { text: page.message, error: false }
    return page.total
  }

  /** Starts the current filter afresh: forgets fetched rows and fetches the first window. */
  async function refresh(): Promise<void> {
    clearTimeout(debounce)
    const q = ++query
    windows.clear()
    pending.clear()
    loading.value = true
    try {
      await fetchWindow(0, q)
    } catch (err) {
      if (q === query) {
        total.value = 0
        note.value = { text: message(err), error: true }
      }
    } finally {
      if (q === query) loading.value = false
    }
  }

  /** Fetches the windows rows `first..last` need (the virtual list calls this as it scrolls). */
  function ensureRange(first: number, last: number): void {
    const q = query
    for (const w of windowsFor(first, last, total.value)) {
      if (windows.has(w) || pending.has(w)) continue
      pending.add(w)
      fetchWindow(w, q)
        .catch((err: unknown) => {
          if (q === query) note.value = { text: message(err), error: true }
        })
        .finally(() => {
          if (q === query) pending.delete(w)
        })
    }
  }

  /** Loads the MagnaTagATune imports (keeping the chosen one if it is still there) and its tags and clips. */
  async function load(): Promise<void> {
    void loadTaggers()
    try {
      datasets.value = await useApi().listTagDatasets()
      if (!datasets.value.some((d) => d.id === datasetId.value)) datasetId.value = datasets.value[0]?.id ?? null
      await loadDataset()
    } catch (err) {
      note.value = { text: message(err), error: true }
    }
  }

  /** The trained taggers, keeping the chosen one while it is still there. */
  async function loadTaggers(): Promise<void> {
    try {
      taggers.value = (await useApi().listModels()).filter(isTagger)
      if (taggerId.value !== null && !taggers.value.some((m) => m.id === taggerId.value)) taggerId.value = null
    } catch (err) {
      note.value = { text: message(err), error: true }
    }
  }

  /**
   * A dataset was imported (here or through another door): the list of imports is read again; the tags
   * and clips too when it is the one shown or none was, so a browse elsewhere keeps its place.
   */
  async function datasetChanged(id: number): Promise<void> {
    try {
      datasets.value = await useApi().listTagDatasets()
      const shown = datasetId.value
      if (shown !== null && shown !== id && datasets.value.some((d) => d.id === shown)) return
      // An event of the shown dataset reloads it, unless it was deleted: then the first left is shown.
      const gone = !datasets.value.some((d) => d.id === id)
      if (shown === null || shown !== id || gone) datasetId.value = datasets.value.find((d) => d.id === id)?.id ?? datasets.value[0]?.id ?? null
      await loadDataset()
    } catch (err) {
      note.value = { text: message(err), error: true }
    }
  }

  /** What an event of the library changes here: imports, the taggers (a run's end, a new checkpoint), everything after another process's commit. */
  function onLibraryChanged(c: LibraryChange): void {
    if (c.kind === 'external') {
      // Another process (the CLI) committed: anything may have changed; the shown dataset stays chosen while it exists.
      predictions.clear()
      void load().then(() => predictSelected())
    } else if (c.kind === 'dataset') void datasetChanged(Number(c.id))
    else if (c.kind === 'model' || c.kind === 'run' || c.kind === 'checkpoint') {
      predictions.clear()
      void loadTaggers().then(() => predictSelected())
    }
  }

  /** Shows a tagger's predictions (null: none) for the selected clip. */
  function chooseTagger(id: number | null): Promise<void> {
    taggerId.value = id
    return predictSelected()
  }

  /** Asks the chosen tagger for the selected clip's tags, once per clip and model. */
  async function predictSelected(): Promise<void> {
    const clip = selected.value
    const modelId = taggerId.value
    if (!clip || modelId === null || clip.problem !== null) return
    const key = predictionKey(clip.id, modelId)
    if (predictions.has(key) || predicting.value === key) return
    predicting.value = key
    try {
      predictions.set(key, { tags: (await useApi().tagClip({ clipId: clip.id, modelId, top: PREDICTED_TAGS })).tags })
    } catch (err) {
      predictions.set(key, { error: message(err) })
    } finally {
      if (predicting.value === key) predicting.value = null
    }
  }

  async function loadDataset(): Promise<void> {
    const id = datasetId.value
    if (id === null) {
      tags.value = []
      total.value = 0
      windows.clear()
      note.value = { text: 'No MagnaTagATune import yet: Import dataset… (or npm run cli -- import-mtat DIR).', error: false }
      return
    }
    tags.value = await useApi().listDatasetTags({ datasetId: id })
    // Tags of another dataset may not exist here: keep only those this one has.
    const known = new Set(tags.value.flatMap((t) => [t.name, ...t.aliases]))
    filter.value = { and: filter.value.and.filter((t) => known.has(t)), not: filter.value.not.filter((t) => known.has(t)) }
    await refresh()
  }

  async function chooseDataset(id: number): Promise<void> {
    datasetId.value = id
    try {
      await loadDataset()
    } catch (err) {
      note.value = { text: message(err), error: true }
    }
  }

  /** A click on a tag: plain = AND, alt/right-click = NOT (again on the same side removes it). */
  function click(tag: string, how: TagClick): Promise<void> {
    filter.value = clickTag(filter.value, tag, how)
    return refresh()
  }

  function clearFilter(): Promise<void> {
    filter.value = { and: [], not: [] }
    text.value = ''
    return refresh()
  }

  /** The search box changed: query once typing pauses. */
  function setText(next: string): void {
    // The query's bound (the search box's maxlength too): a longer text would be refused whole.
    text.value = next.slice(0, CLIP_SEARCH_MAX_CHARS)
    clearTimeout(debounce)
    debounce = setTimeout(() => void refresh(), SEARCH_DEBOUNCE_MS)
  }

  /** Plays a clip (or stops it when it is the one playing); missing audio says so instead. */
  async function audition(clip: BrowserClip): Promise<void> {
    selected.value = clip
    void predictSelected()
    const player = auditioner.value
    if (!player) return
    if (playingId.value === clip.id) {
      stopAudition()
      return
    }
    if (clip.problem !== null) {
      useSessionStore().say(`${clip.title ?? `clip ${clip.sourceKey}`}: ${clip.problem}`, true)
      return
    }
    fetchingId.value = clip.id
    try {
      const audio = await useApi().loadClipAudio({ clipId: clip.id })
      // Another clip was asked for while this one loaded: that one wins.
      if (fetchingId.value !== clip.id) return
      await player.play(audio, () => {
        if (playingId.value === clip.id) playingId.value = null
      })
      playingId.value = clip.id
    } catch (err) {
      useSessionStore().say(message(err), true)
    } finally {
      if (fetchingId.value === clip.id) fetchingId.value = null
    }
  }

  function stopAudition(): void {
    stop()
    fetchingId.value = null
  }

  /** Copies the clip into the data folder and puts it on the content or style track. */
  async function use(kind: 'content' | 'style', clip: BrowserClip): Promise<void> {
    const session = useSessionStore()
    try {
      session.useExample(kind, await useApi().importClip({ clipId: clip.id }))
    } catch (err) {
      session.say(message(err), true)
    }
  }

  /** Opens or closes the view; while open, an import, a run or a checkpoint made anywhere updates it. */
  function toggle(): void {
    open.value = !open.value
    off?.()
    off = null
    if (open.value) {
      off = useApi().on('libraryChanged', onLibraryChanged)
      void load()
    } else stopAudition()
  }

  function $reset(): void {
    clearTimeout(debounce)
    query += 1
    off?.()
    off = null
    attach(null)
    selected.value = null
    taggers.value = []
    taggerId.value = null
    predictions.clear()
    predicting.value = null
    open.value = false
    datasets.value = []
    datasetId.value = null
    tags.value = []
    filter.value = { and: [], not: [] }
    text.value = ''
    total.value = 0
    note.value = null
    loading.value = false
    windows.clear()
    pending.clear()
  }

  return {
    open,
    datasets,
    datasetId,
    dataset,
    tags,
    filter,
    text,
    total,
    note,
    loading,
    windows,
    playingId,
    fetchingId,
    selected,
    taggers,
    taggerId,
    prediction,
    predicting,
    rowAt,
    tagState: (tag: string) => tagState(filter.value, tag),
    ensureRange,
    refresh,
    load,
    chooseDataset,
    chooseTagger,
    onLibraryChanged,
    click,
    clearFilter,
    setText,
    audition,
    stopAudition,
    use,
    attach,
    toggle,
    $reset
  }
})
