// Module resolution hook for tests: reports on stderr every heavy dependency a command loads, so a test
// can prove that `plan`, `--help` and `--version` never load cdk8s or the Kubernetes client.
const HEAVY = /node_modules\/(cdk8s|cdk8s-plus-28|@kubernetes\/client-node|jsondiffpatch|kubernetes-models|@kubernetes-models\/[^/]+)\//;

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const match = HEAVY.exec(resolved.url);
  if (match) process.stderr.write(`LOADED ${match[1]}\n`);
  return resolved;
}
