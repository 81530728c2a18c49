/** An objective over an unconstrained vector; fills `gradient` when one is given. */
export type Objective = (theta: Float64Array, gradient: Float64Array | undefined) => number;

/** How a minimisation ended. */
export interface MinimiseResult {
  readonly theta: Float64Array;
  /** The gradient at `theta`. */
  readonly gradient: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly gradientNorm: number;
  readonly converged: boolean;
}

/** Options of {@link minimise}. */
export interface MinimiseOptions {
  /** @default 500 */
  readonly maxIterations?: number;
  /** Converged when the gradient's infinity norm is below this. @default 1e-7 */
  readonly gradientTolerance?: number;
  /** Starting inverse Hessian (row-major n×n), e.g. from a fit of a sample. @default the identity */
  readonly inverseHessian?: Float64Array;
}

function norm(v: Float64Array): number {
  let m = 0;
  for (const value of v) m = Math.max(m, Math.abs(value));
  return m;
}

/**
 * BFGS with an Armijo backtracking line search. Non-finite objective values count as "too far" so the
 * search backs off instead of failing; the inverse-Hessian update is skipped when curvature is not
 * positive, which keeps the direction a descent direction.
 */
export function minimise(f: Objective, start: Float64Array, options: MinimiseOptions = {}): MinimiseResult {
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.gradientTolerance ?? 1e-7;
  const n = start.length;
  let theta = Float64Array.from(start);
  let gradient = new Float64Array(n);
  let value = f(theta, gradient);
  let evaluations = 1;
  if (!Number.isFinite(value)) throw new OptimiseError('the objective is not finite at the starting point');
  let H = options.inverseHessian === undefined ? identity(n) : Float64Array.from(options.inverseHessian);
  let iterations = 0;
  let converged = norm(gradient) < tolerance;
  const direction = new Float64Array(n);
  const candidate = new Float64Array(n);
  const candidateGradient = new Float64Array(n);
  while (!converged && iterations < maxIterations) {
    iterations += 1;
    for (let i = 0; i < n; i += 1) {
      let d = 0;
      for (let j = 0; j < n; j += 1) d -= (H[i * n + j] ?? 0) * (gradient[j] ?? 0);
      direction[i] = d;
    }
    let slope = 0;
    for (let i = 0; i < n; i += 1) slope += (direction[i] ?? 0) * (gradient[i] ?? 0);
    if (slope >= 0) {
      // Lost descent: restart from steepest descent.
      H = identity(n);
      for (let i = 0; i < n; i += 1) direction[i] = -(gradient[i] ?? 0);
      slope = -dot(gradient, gradient);
    }
    // Cap the first step: a log-parameter moving by more than 5 is a factor of 150 at once.
    let step = Math.min(1, 5 / Math.max(norm(direction), 1e-300));
    let accepted = false;
    let candidateValue = Number.NaN;
    for (let k = 0; k < 60; k += 1) {
      for (let i = 0; i < n; i += 1) candidate[i] = (theta[i] ?? 0) + step * (direction[i] ?? 0);
      candidateValue = f(candidate, candidateGradient);
      evaluations += 1;
      if (Number.isFinite(candidateValue) && candidateValue <= value + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      s[i] = (candidate[i] ?? 0) - (theta[i] ?? 0);
      y[i] = (candidateGradient[i] ?? 0) - (gradient[i] ?? 0);
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) H = bfgsUpdate(H, s, y, sy, n);
    const previous = value;
    theta = Float64Array.from(candidate);
    gradient = Float64Array.from(candidateGradient);
    value = candidateValue;
    converged = norm(gradient) < tolerance;
    // A flat valley with a noisy (numerical) gradient: stop once the value no longer moves.
    if (!converged && Math.abs(previous - value) <= 1e-15 * Math.max(1, Math.abs(value)) && norm(s) < 1e-12)
      break;
  }
  return { theta, gradient, value, iterations, evaluations, gradientNorm: norm(gradient), converged };
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) m[i * n + i] = 1;
  return m;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

function bfgsUpdate(H: Float64Array, s: Float64Array, y: Float64Array, sy: number, n: number): Float64Array {
  const rho = 1 / sy;
  const Hy = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    let sum = 0;
    for (let j = 0; j < n; j += 1) sum += (H[i * n + j] ?? 0) * (y[j] ?? 0);
    Hy[i] = sum;
  }
  const yHy = dot(y, Hy);
  const next = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      const si = s[i] ?? 0;
      const sj = s[j] ?? 0;
      next[i * n + j] =
        (H[i * n + j] ?? 0) + (1 + yHy * rho) * rho * si * sj - rho * ((Hy[i] ?? 0) * sj + si * (Hy[j] ?? 0));
    }
  }
  return next;
}

/** Central-difference gradient of a value-only function; for likelihoods without an analytic gradient. */
export function numericGradient(
  value: (theta: Float64Array) => number,
  theta: Float64Array,
  gradient: Float64Array,
  step = 1e-6,
): void {
  const probe = Float64Array.from(theta);
  for (let i = 0; i < theta.length; i += 1) {
    const t = theta[i] ?? 0;
    probe[i] = t + step;
    const up = value(probe);
    probe[i] = t - step;
    const down = value(probe);
    probe[i] = t;
    gradient[i] = (up - down) / (2 * step);
  }
}

/** Hessian of `f` by central differences of its gradient, symmetrised. Row-major n×n. */
export function numericHessian(f: Objective, theta: Float64Array, step = 1e-4): Float64Array {
  const n = theta.length;
  const H = new Float64Array(n * n);
  const probe = Float64Array.from(theta);
  const up = new Float64Array(n);
  const down = new Float64Array(n);
  for (let j = 0; j < n; j += 1) {
    const t = theta[j] ?? 0;
    probe[j] = t + step;
    f(probe, up);
    probe[j] = t - step;
    f(probe, down);
    probe[j] = t;
    for (let i = 0; i < n; i += 1) H[i * n + j] = ((up[i] ?? 0) - (down[i] ?? 0)) / (2 * step);
  }
  return symmetrised(H, n);
}

/** H (row-major n×n) made symmetric in place, each pair of entries replaced by their mean. */
function symmetrised(H: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      const mean = ((H[i * n + j] ?? 0) + (H[j * n + i] ?? 0)) / 2;
      H[i * n + j] = mean;
      H[j * n + i] = mean;
    }
  }
  return H;
}

/**
 * Hessian of `f` by forward differences of its gradient from θ, where the gradient is already known
 * (an optimum): n evaluations instead of 2n, at an error of order `step`. Symmetrised, row-major.
 */
export function forwardHessian(
  f: Objective,
  theta: Float64Array,
  gradient: Float64Array,
  step = 1e-5,
): Float64Array {
  const n = theta.length;
  const H = new Float64Array(n * n);
  const probe = Float64Array.from(theta);
  const up = new Float64Array(n);
  for (let j = 0; j < n; j += 1) {
    probe[j] = (theta[j] ?? 0) + step;
    f(probe, up);
    probe[j] = theta[j] ?? 0;
    for (let i = 0; i < n; i += 1) H[i * n + j] = ((up[i] ?? 0) - (gradient[i] ?? 0)) / step;
  }
  return symmetrised(H, n);
}

/** Inverse of a row-major n×n matrix by Gauss–Jordan with partial pivoting; undefined when singular. */
export function invert(matrix: Float64Array, n: number): Float64Array | undefined {
  const a = Float64Array.from(matrix);
  const inv = identity(n);
  for (let col = 0; col < n; col += 1) {
    let pivot = col;
    for (let row = col + 1; row < n; row += 1) {
      if (Math.abs(a[row * n + col] ?? 0) > Math.abs(a[pivot * n + col] ?? 0)) pivot = row;
    }
    const p = a[pivot * n + col] ?? 0;
    if (!Number.isFinite(p) || Math.abs(p) < 1e-300) return undefined;
    if (pivot !== col) {
      for (let k = 0; k < n; k += 1) {
        swap(a, col * n + k, pivot * n + k);
        swap(inv, col * n + k, pivot * n + k);
      }
    }
    for (let k = 0; k < n; k += 1) {
      a[col * n + k] = (a[col * n + k] ?? 0) / p;
      inv[col * n + k] = (inv[col * n + k] ?? 0) / p;
    }
    for (let row = 0; row < n; row += 1) {
      if (row === col) continue;
      const factor = a[row * n + col] ?? 0;
      if (factor === 0) continue;
      for (let k = 0; k < n; k += 1) {
        a[row * n + k] = (a[row * n + k] ?? 0) - factor * (a[col * n + k] ?? 0);
        inv[row * n + k] = (inv[row * n + k] ?? 0) - factor * (inv[col * n + k] ?? 0);
      }
    }
  }
  return inv;
}

function swap(v: Float64Array, i: number, j: number): void {
  const t = v[i] ?? 0;
  v[i] = v[j] ?? 0;
  v[j] = t;
}

/** The optimiser could not even start (the objective is not finite at the starting point). */
export class OptimiseError extends Error {
  override readonly name = 'OptimiseError';
}
