/** A minimiser's answer: the best point, its value, and how many times the objective ran. */
export interface Minimum {
  x: number[]
  fx: number
  evaluations: number
}

/**
 * Derivative-free minimisation of `f` over the unit box (every coordinate clamped into [0, 1]) by
 * Nelder-Mead (Nelder & Mead 1965, with the standard coefficients: reflection 1, expansion 2,
 * contraction 0.5, shrink 0.5). Deterministic: the same start gives the same answer.
 *
 * Written here because the npm option (fmin 0.0.4) does not load as an ES module under Node (a UMD
 * build inside a "type": "module" package) and its shrink step assigns an undeclared variable, which
 * throws in strict mode; the method itself is forty lines.
 *
 * `step` is the initial simplex's edge along each axis; the search stops after `maxEvaluations`
 * objective calls or when the simplex's values agree to `tolerance`.
 */
export function minimiseInBox(f: (u: number[]) => number, start: number[], opts: { step: number; maxEvaluations: number; tolerance?: number }): Minimum {
  const n = start.length
  const tolerance = opts.tolerance ?? 1e-6
  let evaluations = 0
  const evaluate = (x: number[]): { x: number[]; fx: number } => {
    const u = x.map(clamp01)
    evaluations++
    return { x: u, fx: f(u) }
  }
  const simplex = [evaluate(start)]
  for (let i = 0; i < n; i++) {
    const p = start.slice()
    // Step inwards when the start sits near the upper edge, so no vertex collapses onto another.
    p[i] = p[i]! + (p[i]! + opts.step <= 1 ? opts.step : -opts.step)
    simplex.push(evaluate(p))
  }
  const combine = (a: number[], wa: number, b: number[], wb: number): number[] => a.map((v, i) => wa * v + wb * b[i]!)
  while (evaluations < opts.maxEvaluations) {
    simplex.sort((a, b) => a.fx - b.fx)
    const best = simplex[0]!
    const worst = simplex[n]!
    if (Math.abs(worst.fx - best.fx) <= tolerance * (Math.abs(best.fx) + 1e-12)) break
    const centroid = new Array<number>(n).fill(0)
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) centroid[i]! += simplex[j]!.x[i]! / n
    const reflected = evaluate(combine(centroid, 2, worst.x, -1))
    if (reflected.fx < best.fx) {
      const expanded = evaluate(combine(centroid, 3, worst.x, -2))
      simplex[n] = expanded.fx < reflected.fx ? expanded : reflected
    } else if (reflected.fx < simplex[n - 1]!.fx) {
      simplex[n] = reflected
    } else {
      const outside = reflected.fx < worst.fx
      const contracted = evaluate(outside ? combine(centroid, 1.5, worst.x, -0.5) : combine(centroid, 0.5, worst.x, 0.5))
      if (contracted.fx < (outside ? reflected.fx : worst.fx)) simplex[n] = contracted
      else for (let j = 1; j <= n; j++) simplex[j] = evaluate(combine(best.x, 0.5, simplex[j]!.x, 0.5))
    }
  }
  simplex.sort((a, b) => a.fx - b.fx)
  return { x: simplex[0]!.x, fx: simplex[0]!.fx, evaluations }
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v
}
