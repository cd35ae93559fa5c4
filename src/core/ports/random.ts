/** Randomness, injected: core never calls Math.random or crypto.random* itself. */
export interface Random {
  /** A float in [0, 1), for jitter. */
  float(): number;
}
