// Bundles the compiled CLI (build/src/cli/index.js) into build/cli/ for a fast start.
//
// Why: Node loads ES modules file by file. zod alone is ~150 files (with 40 locales the CLI never uses)
// and yaml ~80, which cost more start-up time than everything `plan` does. A bundle of the light path
// (commander, zod, yaml, picocolors and the project's own modules) is one parse instead of hundreds of
// file loads, and tree-shaking drops the unused locales. The heavy libraries (cdk8s, the Kubernetes client,
// the schema packages) stay external: they are loaded lazily by the commands that need them, exactly as in
// the unbundled build, so `plan`, `--help` and `--version` never load them.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

/** Packages bundled into the CLI; every other bare import stays a runtime import from node_modules. */
const BUNDLED = new Set(['commander', 'zod', 'yaml', 'js-yaml', 'picocolors']);

const packageName = (specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);

// Chunk names carry content hashes: without this, every build would leave the previous chunks behind.
rmSync('build/cli', { recursive: true, force: true });

await build({
  entryPoints: ['build/src/cli/index.js'],
  outdir: 'build/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // commander is CommonJS: its require() of Node built-ins needs a real require in an ES module bundle.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  plugins: [
    {
      name: 'external-heavy-packages',
      setup(b) {
        // Node built-ins are read with require(): an ES import of one builds an ES module facade that reads every
        // export, and node:fs's lazy getters then load the stream modules `plan` never uses.
        b.onResolve({ filter: /^node:/ }, (args) =>
          args.namespace === 'node-builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'node-builtin' },
        );
        b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          return BUNDLED.has(packageName(args.path)) ? undefined : { external: true };
        });
      },
    },
  ],
});
