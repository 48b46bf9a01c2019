// Writes the single-file release: release/threescale-migrate.mjs and its release/threescale-migrate.mjs.sha256.
//
// One ES module holding the whole CLI (every command, every lazily imported module, every npm dependency)
// and the package's data files (package.json, crds/, charts/scripts/), so a bastion with Node.js alone runs
// it: `node threescale-migrate.mjs plan -c migration.yaml`. Built from the compiled build/src (run
// `npm run build` first; `npm run release` does both). The data files replace src/util/embedded-files.js.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve('.');
const OUT_DIR = join(ROOT, 'release');
const OUT = join(OUT_DIR, 'threescale-migrate.mjs');
/** The data files the CLI reads at run time, relative to the package root. */
const DATA = ['package.json', 'crds', 'charts/scripts'];

const files = (path) => (statSync(path).isDirectory() ? readdirSync(path).sort().flatMap((n) => files(join(path, n))) : [path]);
const embedded = Object.fromEntries(
  DATA.flatMap((d) => files(join(ROOT, d))).map((f) => [relative(ROOT, f).split(sep).join('/'), readFileSync(f, 'utf8')]),
);

/** Replaces the empty map of src/util/embedded-files.js with the data files. */
const embedPlugin = {
  name: 'embed-data-files',
  setup(b) {
    b.onLoad({ filter: /[\\/]build[\\/]src[\\/]util[\\/]embedded-files\.js$/ }, () => ({
      contents: `export const EMBEDDED_FILES = Object.freeze(${JSON.stringify(embedded)});\n`,
      loader: 'js',
    }));
  },
};

const entry = `import { internalErrorText, main } from './build/src/cli/index.js';
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(internalErrorText(err));
    process.exitCode = 70;
  },
);
`;

mkdirSync(OUT_DIR, { recursive: true });
await build({
  stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'release-entry.js', loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: OUT,
  legalComments: 'eof',
  logLevel: 'warning',
  // CommonJS dependencies require Node built-ins; an ES module has no require of its own.
  banner: { js: `#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);` },
  plugins: [embedPlugin],
});
const bytes = readFileSync(OUT);
const sha256 = createHash('sha256').update(bytes).digest('hex');
writeFileSync(`${OUT}.sha256`, `${sha256}  threescale-migrate.mjs\n`);
process.stdout.write(`wrote ${relative(ROOT, OUT)} (${(bytes.length / 1024 / 1024).toFixed(1)} MiB) and its .sha256: ${sha256}\n`);
