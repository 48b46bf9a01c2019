import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED_FILES } from './embedded-files.js';
import { packageRoot } from './package-root.js';

/**
 * Reads a data file shipped with the package (`crds/apimanager.apps.3scale.net.yaml`, `/`-separated,
 * relative to the package root): from the release file's embedded copy when running from it, else from disk.
 * The files are part of the package, so a missing one is a bug, not a user error.
 */
export function readPackageFile(relative: string): string {
  if (EMBEDDED_FILES) {
    const content = EMBEDDED_FILES[relative];
    if (content === undefined) throw new Error(`threescale-migrate: ${relative} is not embedded in this release file`);
    return content;
  }
  return readFileSync(join(packageRoot(), ...relative.split('/')), 'utf8');
}

/** The names of the files directly in a package folder (`crds`), sorted. */
export function listPackageFolder(folder: string): string[] {
  if (EMBEDDED_FILES) {
    const prefix = `${folder}/`;
    return Object.keys(EMBEDDED_FILES)
      .filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/'))
      .map((k) => k.slice(prefix.length))
      .sort();
  }
  return readdirSync(join(packageRoot(), ...folder.split('/'))).sort();
}
