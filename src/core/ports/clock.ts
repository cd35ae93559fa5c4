/** Time, injected: core never reads the clock itself. */
export interface Clock {
  now(): Date;
}
