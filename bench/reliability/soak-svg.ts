/**
 * The soak curves as one SVG (docs/reliability-soak.svg): a panel per curve, the sample index on x,
 * the value on y from its own minimum to maximum (padded), the fitted second-half slope as a dashed
 * line, and the verdict in the title. Plain SVG text, so the figure diffs and needs no library.
 */
import type { Curve, SoakResult } from './soak'

const W = 360
const H = 200
const PAD = { left: 52, right: 12, top: 34, bottom: 30 }

/** Escapes text for an SVG text node. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** One panel at (x0, y0): axes, the curve, the fitted slope over the second half, title and verdict. */
function panel(x0: number, y0: number, title: string, unit: string, c: Curve): string {
  const v = c.values
  const lo = Math.min(...v)
  const hi = Math.max(...v)
  // A flat curve still gets a visible y range: at least 1 unit (one tensor, one MB).
  const span = Math.max(hi - lo, 1)
  const yMin = lo - 0.1 * span
  const yMax = hi + 0.1 * span
  const pw = W - PAD.left - PAD.right
  const ph = H - PAD.top - PAD.bottom
  const x = (i: number): number => x0 + PAD.left + (v.length <= 1 ? 0 : (i / (v.length - 1)) * pw)
  const y = (val: number): number => y0 + PAD.top + ph - ((val - yMin) / (yMax - yMin)) * ph
  const points = v.map((val, i) => `${x(i).toFixed(1)},${y(val).toFixed(1)}`).join(' ')
  const half = Math.floor(v.length / 2)
  const second = v.slice(half)
  const mean = second.reduce((a, b) => a + b, 0) / Math.max(1, second.length)
  const mid = half + (second.length - 1) / 2
  const fit = (i: number): number => mean + c.flatness.slope * (i - mid)
  const verdict = c.flatness.flat ? 'flat' : 'NOT FLAT'
  return [
    `<g>`,
    `<text x="${x0 + PAD.left}" y="${y0 + 14}" font-size="12" font-weight="bold">${esc(title)}</text>`,
    `<text x="${x0 + PAD.left}" y="${y0 + 27}" font-size="10" fill="${c.flatness.flat ? '#2a7' : '#c22'}">${verdict}: slope ${c.flatness.slope.toFixed(3)} ${esc(unit)}/step (second half)</text>`,
    `<rect x="${x0 + PAD.left}" y="${y0 + PAD.top}" width="${pw}" height="${ph}" fill="none" stroke="#bbb"/>`,
    `<text x="${x0 + PAD.left - 4}" y="${y(yMax) + 10}" font-size="9" text-anchor="end">${yMax.toFixed(1)}</text>`,
    `<text x="${x0 + PAD.left - 4}" y="${y(yMin)}" font-size="9" text-anchor="end">${yMin.toFixed(1)}</text>`,
    `<text x="${x0 + 4}" y="${y0 + PAD.top + ph / 2}" font-size="9">${esc(unit)}</text>`,
    `<text x="${x0 + PAD.left}" y="${y0 + H - 10}" font-size="9">1</text>`,
    `<text x="${x0 + PAD.left + pw}" y="${y0 + H - 10}" font-size="9" text-anchor="end">${v.length}</text>`,
    `<polyline points="${points}" fill="none" stroke="#36c" stroke-width="1.5"/>`,
    v.length >= 2 ? `<line x1="${x(half)}" y1="${y(fit(half))}" x2="${x(v.length - 1)}" y2="${y(fit(v.length - 1))}" stroke="#c60" stroke-dasharray="4 3"/>` : '',
    `</g>`
  ].join('\n')
}

/** The whole figure: five panels (service RSS, engine RSS, engine tensors, training RSS, training tensors). */
export function soakSvg(s: SoakResult, caption: string): string {
  const panels: [string, string, Curve][] = [
    [`render service: RSS after each of ${s.renders.count} renders`, 'MB', s.renders.rssMb],
    [`stylize engine in-thread: RSS`, 'MB', s.renders.engineRssMb],
    [`stylize engine in-thread: live tensors`, 'tensors', s.renders.engineTensors],
    [`tagger training: RSS after each of ${s.training.epochs} epochs`, 'MB', s.training.rssMb],
    [`tagger training: live tensors`, 'tensors', s.training.tensors]
  ]
  const cols = 2
  const rows = Math.ceil(panels.length / cols)
  const width = cols * W
  const height = rows * H + 24
  const body = panels.map(([t, u, c], i) => panel((i % cols) * W, Math.floor(i / cols) * H, t, u, c)).join('\n')
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    body,
    `<text x="8" y="${height - 8}" font-size="10" fill="#555">${esc(caption)}</text>`,
    `</svg>`,
    ''
  ].join('\n')
}
