import type { Page } from 'playwright-core'
import { expect } from 'vitest'

/** Source keys of the clip rows the tag browser's list shows. */
export const shownKeys = (page: Page): Promise<string[]> =>
  page.getByTestId('clip-list').locator('.clip[data-testid^="clip-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('clip-'.length)))

/** On the MTAT-format fixture: slow + loud, NOT classical (a right-click) leaves its 8 slow loud non-classical clips. */
export async function filterSlowLoudNotClassical(page: Page): Promise<void> {
  await page.getByTestId('tag-slow').click()
  await page.getByTestId('tag-loud').click()
  await page.getByTestId('tag-classical').click({ button: 'right' })
  await expect.poll(() => page.getByTestId('tag-total').textContent()).toBe('8 clips')
  expect(await shownKeys(page)).toEqual(['16', '17', '21', '22', '25', '27', '29', '36'])
}

/** With clip 22 (piano) on the style track: puts clip 17 (guitar) on content and renders 3 texture iterations to the end. */
export async function renderGuitarWithStyle(page: Page): Promise<void> {
  await page.getByTestId('clip-17').getByTestId('use-content').click()
  await expect.poll(() => page.getByTestId('track-content').getByTestId('track-label').textContent(), { timeout: 15_000 }).toMatch(/guitar.*\.mp3$/)
  await page.getByTestId('method').selectOption('texture')
  await page.getByTestId('iterations').fill('3')
  await page.getByTestId('render').click()
  await expect.poll(() => page.getByTestId('progress').getAttribute('data-status'), { timeout: 180_000, interval: 500 }).toBe('done')
}

/** piano + organ matches no fixture clip: the list says so in its note. */
export async function filterNothing(page: Page): Promise<void> {
  await page.getByTestId('tag-clear').click()
  await page.getByTestId('tag-piano').click()
  await page.getByTestId('tag-organ').click()
  await expect.poll(() => page.getByTestId('tag-note').textContent()).toBe('no clip tagged piano + organ')
  expect(await page.getByTestId('tag-total').textContent()).toBe('0 clips')
}
