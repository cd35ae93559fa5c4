/** "1 certificate", "2 certificates", "0 certificates": a count with its noun in the right number. */
export const counted = (n: number, singular: string, plural = `${singular}s`): string =>
  `${n} ${n === 1 ? singular : plural}`;
