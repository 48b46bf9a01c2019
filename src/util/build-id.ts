/**
 * The identity of the compiled code running: `npm run build` (build-tools/bundle-cli.mjs) replaces this
 * module in the CLI bundles with a digest of everything tsc compiled (build/src, build/charts,
 * build/imports). Under test, from the sources, and in the single-file release it is undefined, and nothing
 * keyed by the build (the render cache) is used.
 */
export const BUILD_ID: string | undefined = undefined;
