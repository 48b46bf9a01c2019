import { readPackageFile } from '../util/package-files.js';

/** The package version, read once from package.json. */
export const VERSION: string = (JSON.parse(readPackageFile('package.json')) as { version: string }).version;
