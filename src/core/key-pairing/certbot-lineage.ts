/** A file of a certbot lineage as `live/` shows it: a symbolic link to the current version in `archive/`. */
const LIVE = /^(.*)\/live\/([^/]+)\/(?:cert|chain|fullchain|privkey)\.pem$/;
/** A version of a lineage's file in `archive/NAME/` (the Nth issuance). */
const ARCHIVED = /^(.*)\/archive\/([^/]+)\/(?:cert|chain|fullchain|privkey)\d+\.pem$/;

/**
 * The files of certbot archives that are not locations of their own: certbot keeps every issuance of a lineage in
 * `archive/NAME/` (cert1.pem, privkey1.pem, cert2.pem, ...) and points `live/NAME/*.pem` at the current one. When
 * a scan walks both, the lineage is its `live/NAME/` files (what servers are configured with); the archived versions,
 * current and past, are its history, not four more locations. A `live/` file counts when it is a symbolic link into
 * `archive/` of the same name (by the link's target; the walked paths may differ from the resolved ones). An archive
 * without a `live/` link into it in the scan is left as files of their own.
 */
export function foldedArchiveFiles(
  links: ReadonlyArray<{ path: string; linkTarget: string }>,
  paths: Iterable<string>,
): Set<string> {
  const lineages = new Set<string>();
  for (const link of links) {
    const live = LIVE.exec(link.path);
    const target = live ? ARCHIVED.exec(link.linkTarget) : null;
    if (live && target && target[2] === live[2]) lineages.add(`${live[1]}\u0000${live[2]}`);
  }
  const folded = new Set<string>();
  if (lineages.size === 0) return folded;
  for (const path of paths) {
    const archived = ARCHIVED.exec(path);
    if (archived && lineages.has(`${archived[1]}\u0000${archived[2]}`)) folded.add(path);
  }
  return folded;
}
