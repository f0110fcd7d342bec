/**
 * The user-facing defaults of each style method: one table read by the engine
 * (src-main/engine/style/defaults.ts), the render panel and the web host, so the app's form shows
 * exactly what a render left unset would use. Pure data, safe in every process. How the texture
 * values were chosen: docs/performance.md, "How the defaults were chosen".
 */
export const STYLE_METHOD_DEFAULTS = {
  texture: { contentWeight: 0.01, styleWeight: 1, iterations: 100, filters: 4096 },
  gram: { contentWeight: 10, styleWeight: 10, iterations: 300 },
  activation: { contentWeight: 1, styleWeight: 1, iterations: 100 },
  // Iterations are the gradient steps per block of the coordinate descent (docs/wavenet-style.md).
  wavenet: { contentWeight: 1, styleWeight: 1, iterations: 20 }
} as const
