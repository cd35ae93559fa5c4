/** Randomness, injected: core never calls Math.random or crypto.randomBytes itself. */
export interface Random {
  bytes(length: number): Uint8Array;
  /** A float in [0, 1), for jitter. */
  float(): number;
}
