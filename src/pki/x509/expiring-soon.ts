/**
 * How long before its notAfter a certificate counts as expiring soon: the window asked for (30 days by default), or
 * the last third of its lifetime when that is shorter (the default renewal point is 2/3 of the lifetime), so a
 * 24-hour certificate is not "expiring soon" from the moment it is issued. One rule for the inventory's own check
 * and for path validation's, so a certificate is not expiring soon only while some endpoint serves it.
 */
export function expiringSoonWindowMs(
  validity: { notBefore: Date; notAfter: Date },
  expiringWithinDays: number,
): number {
  const lifetime = validity.notAfter.getTime() - validity.notBefore.getTime();
  return Math.min(expiringWithinDays * 86_400_000, lifetime / 3);
}
