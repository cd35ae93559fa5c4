/** Cryptographically secure randomness, injected: serial numbers draw from it (CA/B Forum BR 7.1: 64 bits or more). */
export interface SecureRandom {
  /** `n` bytes from the operating system's CSPRNG. */
  bytes(n: number): Uint8Array;
}
