/** The directory part of an absolute path ("/etc/ssl/a.pem" -> "/etc/ssl"); core does not import node:path. */
export const directoryOf = (path: string): string => path.slice(0, Math.max(path.lastIndexOf('/'), 0));

/** The last part of a path ("/etc/ssl/a.pem" -> "a.pem"). */
export const baseNameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * A path named in a file, made absolute against the directory `base` when it is relative, with `.` and `..` parts
 * resolved as the file system would without following links ("ssl/../web.key" beside "/etc/nginx" ->
 * "/etc/nginx/web.key").
 */
export function resolvePath(base: string, path: string): string {
  const parts: string[] = [];
  for (const part of (path.startsWith('/') ? path : `${base}/${path}`).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
