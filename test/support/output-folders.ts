/**
 * Test support for the output write of synth: reading a folder back as a map of files, listing synth's side
 * files beside it, and write-output.ts transpiled for child processes (a child `node` cannot load
 * TypeScript, and the compiled build/ may be stale), so a test can interrupt or kill a real write.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './plans.js';

/** The modules of the output write, relative to src/. */
const WRITE_MODULES = [
  'synth/write-output.ts',
  'synth/kill-point.ts',
  'synth/output-lock.ts',
  'synth/output-manifest.ts',
  'synth/output-ownership.ts',
  'synth/output-recovery.ts',
  'errors.ts',
];

/** Every file under a folder with its content, relative paths sorted. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else out[path] = readFileSync(join(dir, path), 'utf8');
    }
  };
  walk('');
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Side files and folders of synth (`.<name>.threescale-migrate*`, `.<name>.tmp-*` of earlier versions) in a parent folder. */
export function sideEntries(parent: string, name = 'dist'): string[] {
  return readdirSync(parent).filter((e) => e.startsWith(`.${name}.`));
}

/**
 * Writes the transpiled modules and a script `write.mjs` into `dir`. The script is run as
 * `node write.mjs <outDir> <count> <size> [<tag>]`: it writes `count` files of `size` bytes (starting with
 * the tag) into 50 phase folders, prints its warnings on stderr and `written` on stdout and exits 0, or prints
 * the error as JSON and exits 2.
 *
 * @returns the path of write.mjs.
 */
export function writeOutputScript(dir: string): string {
  for (const rel of WRITE_MODULES) {
    const source = readFileSync(join(ROOT, 'src', rel), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel.replace(/\.ts$/, '.js')), outputText);
  }
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const script = join(dir, 'write.mjs');
  writeFileSync(
    script,
    [
      "import { writeOutput } from './synth/write-output.js';",
      "const [outDir, count, size, tag = 'new'] = process.argv.slice(2);",
      'const files = [];',
      "for (let i = 0; i < Number(count); i++) files.push({ path: `${String(i % 50).padStart(2, '0')}-phase/object-${i}.yaml`, content: tag + 'x'.repeat(Number(size)) });",
      'try {',
      '  for (const warning of await writeOutput(outDir, files)) process.stderr.write(`warning: ${warning}\\n`);',
      "  process.stdout.write('written\\n');",
      '} catch (err) {',
      '  process.stdout.write(JSON.stringify({ name: err.name, message: err.message }));',
      '  process.exit(2);',
      '}',
      '',
    ].join('\n'),
  );
  chmodSync(dir, 0o755);
  return script;
}
