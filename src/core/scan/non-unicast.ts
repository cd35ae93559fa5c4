/**
 * Addresses that are never a unicast destination, skipped when a range is expanded: probing them is at best
 * wasted (a SYN to a multicast or reserved address) and at worst a surprise (Linux connects 0.0.0.0 to itself).
 * IPv4: 0.0.0.0/8 ("this network", RFC 791/1122), 224.0.0.0/4 (multicast, RFC 5771), 240.0.0.0/4 (reserved,
 * RFC 1112, which holds the limited broadcast 255.255.255.255, RFC 919). IPv6: the unspecified address ::
 * (RFC 4291 2.5.2) and multicast ff00::/8 (RFC 4291 2.7). Blocks are [first, end), sorted and disjoint.
 */
const BLOCKS: Record<4 | 6, ReadonlyArray<readonly [bigint, bigint]>> = {
  4: [
    [0x00000000n, 0x01000000n],
    [0xe0000000n, 0x100000000n],
  ],
  6: [
    [0n, 1n],
    [0xffn << 120n, 1n << 128n],
  ],
};

/** How many addresses of the range [first, first + size) are never a unicast destination. */
export function nonUnicastCount(family: 4 | 6, first: bigint, size: bigint): bigint {
  const end = first + size;
  let count = 0n;
  for (const [blockFirst, blockEnd] of BLOCKS[family]) {
    const low = first > blockFirst ? first : blockFirst;
    const high = end < blockEnd ? end : blockEnd;
    if (high > low) count += high - low;
  }
  return count;
}

/** The first address at or after `address` that is not in a block (it may lie past the range being expanded). */
export function nextUnicast(family: 4 | 6, address: bigint): bigint {
  for (const [blockFirst, blockEnd] of BLOCKS[family]) {
    if (address >= blockFirst && address < blockEnd) return blockEnd;
  }
  return address;
}
