/**
 * The manifest synth keeps in its output folder: the relative path of every file it wrote, sorted, under a
 * header naming the format. It is how a later synth knows the folder is its own (and holds nothing else)
 * before replacing it; a folder without one is never replaced unless it is empty.
 */

/** File name of the manifest, at the top of the output folder. */
export const MANIFEST_NAME = '.threescale-migrate-manifest';

/** Format of the manifest this version writes and reads. */
export const MANIFEST_FORMAT = 1;

const HEADER = /^threescale-migrate output manifest, format (\d+)$/;

/** What a manifest file says: its format and, when it is a format this version reads, the listed paths. */
export type ParsedManifest = { readonly format: number; readonly paths: readonly string[] } | { readonly format: 'unknown' };

/** The manifest of a set of files: a header line, a comment line, then one relative path a line, sorted. */
export function renderManifest(paths: readonly string[]): string {
  const sorted = [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    `threescale-migrate output manifest, format ${MANIFEST_FORMAT}`,
    '# The files synth wrote into this folder; the next synth replaces the folder only if it holds no other file.',
    ...sorted,
  ].join('\n') + '\n';
}

/**
 * Reads a manifest. A text whose first line is not the header, or whose paths are not plain relative paths
 * (no `..`, no leading `/`, no empty segment), is `unknown`: it was not written by synth.
 */
export function parseManifest(text: string): ParsedManifest {
  const lines = text.split('\n');
  const header = HEADER.exec(lines[0] ?? '');
  if (!header) return { format: 'unknown' };
  const format = Number(header[1]);
  if (format !== MANIFEST_FORMAT) return { format, paths: [] };
  const paths = lines.slice(1).filter((l) => l !== '' && !l.startsWith('#'));
  return paths.every(isPlainRelativePath) ? { format, paths } : { format: 'unknown' };
}

/** A path of `/`-separated names, none empty, `.` or `..`. */
export function isPlainRelativePath(path: string): boolean {
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..' && !segment.includes('\0'));
}
