/**
 * The package's data files (package.json, crds/, charts/scripts/) as the single-file release carries them:
 * `npm run release` replaces this module with the map of their contents. In the package and under test it
 * is undefined, and the files are read from the package folder.
 */
export const EMBEDDED_FILES: Readonly<Record<string, string>> | undefined = undefined;
