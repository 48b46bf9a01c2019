import { InvalidArgumentError, Option } from 'commander';

/**
 * The flags several commands take, defined once so each means one thing everywhere (the README's flag
 * table, generated from these definitions, shows a flag twice if two commands ever word it differently).
 */

/** `-c, --config`: the plan file of any kind. */
export const configOption = (): Option => new Option('-c, --config <file>', 'plan file (migration.yaml, install.yaml or upgrade.yaml; preflight takes a plan whose procedure has preflight checks, a fresh install)').makeOptionMandatory();

/** `-o, --output`: the output format, with the formats this command offers. */
export const outputFormatOption = (formats: readonly string[]): Option => new Option('-o, --output <format>', 'output format').choices(formats).default('text');

/** `--kubeconfig`, as kubectl resolves it. */
export const kubeconfigOption = (): Option => new Option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)');

/** `--context`, as kubectl. */
export const contextOption = (): Option => new Option('--context <name>', 'kubeconfig context');

/** `-n, --namespace`: 3scale's namespace for discover; the client's default namespace elsewhere. */
export const namespaceOption = (): Option =>
  new Option('-n, --namespace <name>', "namespace of 3scale for discover (default: the context's); diff and status take it as the client's default only, the plan names every namespace");

/** `--request-timeout`: the deadline of each API request, in seconds. */
export const requestTimeoutOption = (): Option =>
  new Option('--request-timeout <seconds>', 'deadline of each API request').argParser((v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds.');
    return n;
  });
