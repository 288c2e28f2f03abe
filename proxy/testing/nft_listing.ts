// Listings of the proxy's table compared across namespaces: order-free, so two syncs that reach
// the same state by different transactions compare equal.

/** `nft list table` with chains, sets and map elements in a canonical order. */
export function canonical(listing: string): string {
  const blocks: string[] = [];
  let cur: string[] | undefined;
  for (const line of listing.split('\n')) {
    if (/^\t(chain|set|map) /.test(line)) cur = [line];
    else if (cur && line === '\t}') {
      blocks.push(cur.join('\n').replace(/elements = \{([^}]*)\}/s, (_, body: string) => `elements = { ${body.split(',').map((x) => x.trim()).sort().join(', ')} }`));
      cur = undefined;
    } else if (cur) cur.push(line);
  }
  return blocks.sort().join('\n');
}
