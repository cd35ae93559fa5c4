/** Resolves after the event loop's current turn: the I/O callbacks already due (requests read) have run by then. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
