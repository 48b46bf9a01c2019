// Module resolution hook for tests: reports on stderr every heavy dependency a command loads, so a test
// can prove that `plan`, `--help` and `--version` never load cdk8s or the Kubernetes client. A package the
// CLI bundle holds (build/cli/bundled-packages.json, written by build-tools/bundle-cli.mjs) is reported when
// the bundle file holding it loads.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HEAVY = /node_modules\/(cdk8s|cdk8s-plus-28|@kubernetes\/client-node|jsondiffpatch|kubernetes-models|@kubernetes-models\/[^/]+)\//;
const CLI = new URL('../../build/cli/', import.meta.url);

function bundledPackages() {
  try {
    return JSON.parse(readFileSync(fileURLToPath(new URL('bundled-packages.json', CLI)), 'utf8'));
  } catch {
    return {};
  }
}

const HOLDERS = new Map(Object.entries(bundledPackages()).map(([file, packages]) => [new URL(file, CLI).href, packages]));

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const match = HEAVY.exec(resolved.url);
  if (match) process.stderr.write(`LOADED ${match[1]}\n`);
  for (const name of HOLDERS.get(resolved.url) ?? []) process.stderr.write(`LOADED ${name}\n`);
  return resolved;
}
