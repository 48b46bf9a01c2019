// Bundles the compiled CLI (build/src/cli/index.js) into build/cli/ for a fast start.
//
// Why: Node loads ES modules file by file, and each module costs start-up time of its own (reading, resolving,
// linking: about 1 ms each here). zod alone is ~150 files and yaml ~80. So the CLI is two bundles:
//
// - build/cli/index.js, ONE file: commander, every command's options, and the library code of the commands that
//   must start within 2x bare Node (`plan`, `--help`, `--version`): plan loading (zod, js-yaml) and the plan view.
// - build/cli/lazy/: every other module a command reaches through `await import(...)` (synth, diff, status,
//   discover, preflight and what they use), split into shared chunks. The start-up bundle imports them by path
//   only when such a command runs. The heavy libraries (cdk8s, the Kubernetes client, the schema packages) stay
//   external to both bundles and load from node_modules, so `plan`, `--help` and `--version` never load them;
//   the build fails if one leaks into the start-up bundle.
//
// Modules both bundles need (errors, plan loading) exist once in each; nothing relies on their identity
// (UserError is recognized by a registered symbol, not by its class).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { build } from 'esbuild';

/** tsc's output folder: build/src, build/charts, build/imports. */
const COMPILED = resolve('build');
/** Output folder of both bundles. */
const OUT = resolve('build/cli');

/** Packages bundled into the CLI; every other bare import stays a runtime import from node_modules. */
const BUNDLED = new Set(['commander', 'zod', 'yaml', 'js-yaml', 'picocolors']);

/**
 * Packages bundled into the lazy bundle only, with everything they import: ES module packages of many small
 * files, which Node would otherwise read, resolve and link one by one. `@kubernetes/client-node` is 1,900
 * modules (its generated API models come with the KubeConfig class `diff` and `status` use), about 0.5 s of
 * every live command's start on the 2-core machine; bundled and tree-shaken, one chunk. CommonJS packages
 * (cdk8s, constructs) stay external: Node loads them without the ES module linking cost, and cdk8s finds
 * helper scripts next to its own files.
 */
const LAZY_BUNDLED = new Set(['@kubernetes/client-node', 'jsondiffpatch']);

/**
 * Modules, under build/, that commands import dynamically but that belong in the start-up bundle: the
 * library code of `plan`. Every other dynamic import of the project's own modules goes to build/cli/lazy/.
 */
const START_UP_MODULES = new Set(['src/plan/load-plan.js', 'src/plan-view/render-plan-view.js', 'src/phases/target-phase.js']);

/**
 * Built-ins loaded on first use instead of at start-up. commander requires child_process when it loads, for
 * subcommands that are separate executables, which this CLI does not have; loading it costs every command
 * about 2 ms. Only modules whose functions do not depend on `this` belong here.
 */
const LAZY_BUILTINS = new Set(['node:child_process']);

const packageName = (specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);

/** A CommonJS module that stands for a built-in and requires it when a property is first read. */
const lazyBuiltin = (specifier) => `let loaded;
const load = () => (loaded ??= require(${JSON.stringify(specifier)}));
module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => {
    const d = Object.getOwnPropertyDescriptor(load(), key);
    return d && { ...d, configurable: true };
  },
});
`;

/**
 * Node built-ins are read with require(), not imported: an ES import of one builds an ES module facade that
 * reads every export, and node:fs's lazy getters then load the stream modules `plan` never uses. Bare
 * packages outside {@link BUNDLED} stay external.
 */
const externals = (bundled) => ({
  name: 'externals',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.namespace === 'node-builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'node-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({
      contents: LAZY_BUILTINS.has(args.path) ? lazyBuiltin(args.path) : `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^[^./]/ }, (args) => (bundled(packageName(args.path), args.importer) ? undefined : { external: true }));
  },
});

/**
 * `@kubernetes/client-node`'s KubeConfig (dist/config.js) imports two names from its generated API's index
 * (dist/gen/index.js), which re-exports the whole generated API: 700 model classes and their serializer,
 * 4 MB that every live command compiled and ran at start (about 40 ms) and that only `status --record` uses.
 * The lazy bundle gives config.js a module of just those two names, from the files that define them; the
 * package's modules are marked side-effect free (they are: classes and functions), so nothing else of the
 * generated index is reached through KubeConfig. The build fails if config.js imports anything else from it.
 */
const CLIENT_NODE_DIST = `${sep}node_modules${sep}@kubernetes${sep}client-node${sep}dist${sep}`;
const KUBECONFIG_GEN_IMPORTS = { createConfiguration: './configuration.js', ServerConfiguration: './servers.js' };
/**
 * Packages of client-node's KubeConfig that it uses only for an HTTP(S) or SOCKS proxy (`proxy-url`), the
 * Azure and GCP auth providers, or requests of its generated API (node-fetch, which brings whatwg-url and a
 * 290 KB Unicode table): each importer in `importers` gets a stand-in whose exports load the package, still
 * bundled, on first use. A class stand-in returns an instance of the real class from its constructor. The
 * build fails if an importer uses a name the stand-in lacks.
 */
const LAZY_FOR_KUBECONFIG = {
  'node-fetch': { importers: ['config.js', 'gen/http/isomorphic-fetch.js'], names: ['default', 'Headers'], classes: ['Headers'] },
  'socks-proxy-agent': { importers: ['config.js'], names: ['SocksProxyAgent'], classes: ['SocksProxyAgent'] },
  hpagent: { importers: ['config.js'], names: ['HttpProxyAgent', 'HttpsProxyAgent'], classes: ['HttpProxyAgent', 'HttpsProxyAgent'] },
  'jsonpath-plus': { importers: ['azure_auth.js', 'gcp_auth.js'], names: ['*JSONPath'], classes: [] },
};

/** The names a module imports from `pkg` (`default`, named ones; `*name` for each `ns.name` of a namespace import). */
function importedNames(source, pkg) {
  const names = [];
  const from = `\\s*from\\s*['"]${pkg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`;
  for (const m of source.matchAll(new RegExp(`import\\s+([^;]*?)${from}`, 'g'))) {
    const clause = m[1].trim();
    const ns = /^\*\s+as\s+(\w+)$/.exec(clause)?.[1];
    if (ns) {
      for (const use of source.matchAll(new RegExp(`\\b${ns}\\.(\\w+)`, 'g'))) names.push(`*${use[1]}`);
      continue;
    }
    const named = /\{([^}]*)\}/.exec(clause)?.[1];
    if (named) names.push(...named.split(',').map((n) => n.trim().split(/\s+as\s+/)[0]).filter(Boolean));
    if (/^\w+/.test(clause) && !clause.startsWith('{')) names.push('default');
  }
  return [...new Set(names)];
}

/** The stand-in module of a lazily loaded package: `require` (which esbuild bundles) runs on first use. */
function lazyPackage(name, names) {
  const { classes } = LAZY_FOR_KUBECONFIG[name];
  const lines = [`let loaded;`, `const load = () => (loaded ??= require(${JSON.stringify(name)}));`];
  for (const n of names.map((x) => x.replace(/^\*/, ''))) {
    const target = n === 'default' ? '(load().default ?? load())' : `load()[${JSON.stringify(n)}]`;
    const local = n === 'default' ? 'lazyDefault' : n;
    if (classes.includes(n)) lines.push(`export class ${local} { constructor(...args) { return new (${target})(...args); } }`);
    else lines.push(`export function ${local}(...args) { return ${target}(...args); }`);
    if (n === 'default') lines.push(`export default ${local};`);
  }
  return lines.join('\n');
}

const slimKubeConfig = {
  name: 'slim-kubeconfig',
  setup(b) {
    b.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) => {
      if (!args.importer.endsWith(`${CLIENT_NODE_DIST}config.js`)) return undefined;
      const imported = /import\s*\{([^}]*)\}\s*from\s*'\.\/gen\/index\.js'/.exec(readFileSync(args.importer, 'utf8'))?.[1].split(',').map((n) => n.trim()).filter(Boolean).sort();
      if (JSON.stringify(imported) !== JSON.stringify(Object.keys(KUBECONFIG_GEN_IMPORTS).sort())) {
        throw new Error(`${args.importer} imports ${imported?.join(', ') ?? 'nothing recognizable'} from ./gen/index.js; expected ${Object.keys(KUBECONFIG_GEN_IMPORTS).join(', ')}: update slimKubeConfig in build-tools/bundle-cli.mjs`);
      }
      return { path: join(args.resolveDir, 'gen', 'kubeconfig-imports.js'), namespace: 'slim-kubeconfig', pluginData: { resolveDir: join(args.resolveDir, 'gen') } };
    });
    b.onLoad({ filter: /.*/, namespace: 'slim-kubeconfig' }, (args) => ({
      contents: Object.entries(KUBECONFIG_GEN_IMPORTS).map(([name, file]) => `export { ${name} } from '${file}';`).join('\n'),
      resolveDir: args.pluginData.resolveDir,
      loader: 'js',
    }));
    // Packages KubeConfig reaches only on paths a proxy, a cloud auth provider or the generated API take.
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const shim = LAZY_FOR_KUBECONFIG[args.path];
      if (shim === undefined || args.pluginData?.lazyShim || !args.importer.includes(CLIENT_NODE_DIST)) return undefined;
      const file = args.importer.slice(args.importer.indexOf(CLIENT_NODE_DIST) + CLIENT_NODE_DIST.length).split(sep).join('/');
      if (!shim.importers.includes(file)) return undefined;
      const imported = importedNames(readFileSync(args.importer, 'utf8'), args.path);
      const unknown = imported.filter((n) => !shim.names.includes(n));
      if (unknown.length > 0) throw new Error(`${args.importer} imports ${unknown.join(', ')} from ${args.path}; the lazy stand-in has ${shim.names.join(', ')}: update LAZY_FOR_KUBECONFIG in build-tools/bundle-cli.mjs`);
      return { path: `${args.path}#lazy`, namespace: 'lazy-package', pluginData: { resolveDir: args.resolveDir } };
    });
    // The stand-in's require() of the real package: bundled, resolved from the importer in client-node.
    b.onResolve({ filter: /.*/, namespace: 'lazy-package' }, (args) =>
      b.resolve(args.path, { kind: 'require-call', resolveDir: args.pluginData.resolveDir, importer: join(args.pluginData.resolveDir, 'index.js'), pluginData: { lazyShim: true } }),
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => {
      const name = args.path.replace(/#lazy$/, '');
      return { contents: lazyPackage(name, LAZY_FOR_KUBECONFIG[name].names), resolveDir: args.pluginData.resolveDir, pluginData: args.pluginData, loader: 'js' };
    });
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.sideEffectFree || !(args.importer.includes(CLIENT_NODE_DIST) || args.path.startsWith('@kubernetes/client-node'))) return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { sideEffectFree: true } });
      if (resolved.errors.length > 0 || resolved.external || !resolved.path.includes(CLIENT_NODE_DIST)) return undefined;
      return { ...resolved, sideEffects: false };
    });
  },
};

/** The start-up bundle's packages. */
const startUpBundled = (name) => BUNDLED.has(name);

/** The lazy bundle's packages: the start-up ones, {@link LAZY_BUNDLED}, and whatever a bundled package imports. */
const lazyBundled = (name, importer) => BUNDLED.has(name) || LAZY_BUNDLED.has(name) || importer.includes(`${sep}node_modules${sep}`);

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
  // commander is CommonJS: its require() of Node built-ins needs a real require in an ES module bundle.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
};

/**
 * BUILD_ID (src/util/build-id.js): a digest of everything tsc compiled, so what is cached by build (the render
 * cache of diff and status) is never read by another build. Only the bundles carry it; the sources have none.
 */
const compiledFiles = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? compiledFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
const buildHash = createHash('sha256');
for (const file of ['src', 'charts', 'imports'].flatMap((d) => compiledFiles(join(COMPILED, d))).sort()) buildHash.update(`${relative(COMPILED, file)}\0`).update(readFileSync(file)).update('\0');
const buildId = buildHash.digest('hex');
const buildIdPlugin = {
  name: 'build-id',
  setup(b) {
    b.onLoad({ filter: /[\\/]build[\\/]src[\\/]util[\\/]build-id\.js$/ }, () => ({ contents: `export const BUILD_ID = ${JSON.stringify(buildId)};\n`, loader: 'js' }));
  },
};

// Chunk names carry content hashes: without this, every build would leave the previous chunks behind.
rmSync(OUT, { recursive: true, force: true });

/** Project modules the start-up bundle imports dynamically from build/cli/lazy/ (paths relative to build/). */
const lazyModules = new Set();

const startUp = await build({
  ...common,
  entryPoints: [`${COMPILED}/src/cli/index.js`],
  outfile: `${OUT}/index.js`,
  plugins: [
    buildIdPlugin,
    {
      name: 'lazy-modules',
      setup(b) {
        b.onResolve({ filter: /^\./ }, (args) => {
          if (args.kind !== 'dynamic-import') return undefined;
          const target = relative(COMPILED, resolve(args.resolveDir, args.path));
          if (START_UP_MODULES.has(target)) return undefined;
          lazyModules.add(target);
          return { path: `./lazy/${target}`, external: true };
        });
      },
    },
    externals(startUpBundled),
  ],
});

// The start-up bundle may import built-ins and its own lazy modules, nothing else.
const leaked = Object.values(startUp.metafile.outputs)
  .flatMap((output) => output.imports)
  .filter((i) => i.external && !i.path.startsWith('node:') && !i.path.startsWith('./lazy/'));
if (leaked.length > 0) {
  throw new Error(`build/cli/index.js must not import ${[...new Set(leaked.map((i) => i.path))].join(', ')} at start-up; import it lazily.`);
}

const lazy = await build({
  ...common,
  entryPoints: [...lazyModules].sort().map((m) => `${COMPILED}/${m}`),
  outdir: `${OUT}/lazy`,
  outbase: COMPILED,
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  plugins: [buildIdPlugin, slimKubeConfig, externals(lazyBundled)],
});

// KubeConfig's chunk (what every live command loads) holds none of client-node's generated API models.
const kubeConfigChunks = Object.entries(lazy.metafile.outputs).filter(([, output]) => Object.keys(output.inputs).some((input) => input.endsWith('@kubernetes/client-node/dist/config.js')));
const modelled = kubeConfigChunks.filter(([, output]) => Object.keys(output.inputs).some((input) => input.includes('@kubernetes/client-node/dist/gen/models/')));
if (kubeConfigChunks.length !== 1 || modelled.length > 0) {
  throw new Error(`KubeConfig must be in one lazy chunk without client-node's generated models; found it in ${kubeConfigChunks.map(([f]) => f).join(', ') || 'none'}${modelled.length > 0 ? ', with the models' : ''}: see slimKubeConfig in build-tools/bundle-cli.mjs`);
}

// Which lazy files hold which of the LAZY_BUNDLED packages: the tests' module trace
// (test/support/module-trace-hooks.mjs) reports loading such a file as loading the package.
const holders = {};
for (const [file, output] of Object.entries(lazy.metafile.outputs)) {
  const packages = [...new Set(Object.keys(output.inputs).map((input) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1]))].filter((p) => LAZY_BUNDLED.has(p));
  if (packages.length > 0) holders[relative(OUT, resolve(file))] = packages.sort();
}
writeFileSync(`${OUT}/bundled-packages.json`, `${JSON.stringify(holders, Object.keys(holders).sort(), 2)}\n`);
