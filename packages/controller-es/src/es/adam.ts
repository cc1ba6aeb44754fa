/** Serialised {@link Adam} state. */
export interface AdamJSON {
  beta1: number;
  beta2: number;
  epsilon: number;
  t: number;
  m: number[];
  v: number[];
}

/**
 * Adam (Kingma & Ba 2015, Algorithm 1) on a plain Float64Array, used by OpenES and PEPG to turn
 * their gradient estimates into parameter steps. `step(theta, gradient, lr)` *ascends* the gradient
 * (the strategies maximise fitness).
 */
export class Adam {
  private t = 0;
  private readonly m: Float64Array;
  private readonly v: Float64Array;

  constructor(
    readonly dim: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    this.m = new Float64Array(dim);
    this.v = new Float64Array(dim);
  }

  /** theta ← theta + lr · m̂ / (√v̂ + ε), with the bias-corrected step size of Algorithm 1. */
  step(theta: Float64Array, gradient: Float64Array, lr: number): void {
    this.t++;
    const { beta1: b1, beta2: b2 } = this;
    const a = (lr * Math.sqrt(1 - b2 ** this.t)) / (1 - b1 ** this.t);
    for (let i = 0; i < this.dim; i++) {
      const g = gradient[i]!;
      this.m[i] = b1 * this.m[i]! + (1 - b1) * g;
      this.v[i] = b2 * this.v[i]! + (1 - b2) * g * g;
      theta[i] = theta[i]! + (a * this.m[i]!) / (Math.sqrt(this.v[i]!) + this.epsilon);
    }
  }

  toJSON(): AdamJSON {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, t: this.t, m: Array.from(this.m), v: Array.from(this.v) };
  }

  static fromJSON(j: AdamJSON, dim: number): Adam {
    if (j.m.length !== dim || j.v.length !== dim) throw new Error(`Adam state has length ${j.m.length}/${j.v.length}, expected ${dim}`);
    const adam = new Adam(dim, j.beta1, j.beta2, j.epsilon);
    adam.t = j.t;
    adam.m.set(j.m);
    adam.v.set(j.v);
    return adam;
  }
}
