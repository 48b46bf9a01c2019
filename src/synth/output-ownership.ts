import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { MANIFEST_FORMAT, MANIFEST_NAME, parseManifest } from './output-manifest.js';

/** How many foreign entries a refusal names. */
const NAMED = 3;
/** A manifest larger than this was not written by synth (a thousand-tenant plan writes well under 1 MiB). */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/**
 * Refuses to replace an output folder that holds anything synth did not write: the folder must be absent,
 * empty, or hold a manifest of a format this version reads and no file or folder the manifest does not
 * account for (`.git`, a README, another application, the plan itself). Nothing is changed here.
 */
export function checkOwnership(target: string, outDir: string): void {
  let entries: string[];
  try {
    entries = readdirSync(target).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (entries.length === 0) return;
  const manifestPath = join(target, MANIFEST_NAME);
  const manifest = entries.includes(MANIFEST_NAME) ? readManifest(manifestPath) : undefined;
  if (manifest === undefined || manifest.format === 'unknown') {
    throw new UserError(
      `${outDir}: holds ${listNames(entries)} and no manifest of synth (${MANIFEST_NAME}), so it is not a folder synth wrote; expected an absent or empty folder, or one an earlier synth wrote (choose another --out, or empty this one yourself).`,
    );
  }
  if (manifest.format !== MANIFEST_FORMAT) {
    throw new UserError(`${manifestPath}: manifest format ${manifest.format}, written by another version of threescale-migrate; expected format ${MANIFEST_FORMAT} (run that version, or choose an empty --out).`);
  }
  const foreign = foreignEntries(target, manifest.paths);
  if (foreign.length) {
    throw new UserError(
      `${outDir}: holds ${listNames(foreign)}, which synth did not write (not in ${MANIFEST_NAME}); expected only synth's own files, since synth replaces the folder whole (move them out, or choose another --out).`,
    );
  }
}

function readManifest(path: string) {
  const stat = lstatSync(path);
  if (!stat.isFile() || stat.size > MAX_MANIFEST_BYTES) return undefined;
  return parseManifest(readFileSync(path, 'utf8'));
}

/** Entries under `root` that are neither a listed file (nor the manifest) nor a folder holding one; one more than {@link NAMED} at most. */
function foreignEntries(root: string, paths: readonly string[]): string[] {
  const files = new Set([...paths, MANIFEST_NAME]);
  const folders = new Set<string>();
  for (const p of paths) {
    for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) folders.add(p.slice(0, i));
  }
  const foreign: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (foreign.length > NAMED) return;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory() && folders.has(path)) walk(path);
      else if (!(entry.isFile() && files.has(path))) foreign.push(entry.isDirectory() ? `${path}/` : path);
    }
  };
  walk('');
  return foreign;
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, NAMED).map((n) => `"${n}"`);
  return names.length > NAMED ? `${shown.join(', ')} and more` : shown.join(', ');
}
