import { type Command, InvalidArgumentError, Option } from 'commander';

/** The options `diff` and `status` share: plan, target folder, live source, kubectl-style cluster flags. */
export function addCompareOptions(command: Command): Command {
  return command
    .requiredOption('-c, --config <file>', 'plan file (migration.yaml)')
    .option('--phase <phase>', 'folder to compare object by object: a phase id or rollback/<id> (default: the phase the wiring in --dir reconciles, else spec.gitops.targetPhase)')
    .option('--dir <folder>', 'the folder synth wrote (its --out): the target is the phase its GitOps wiring reconciles, and the advice names this folder (default: none; the target is spec.gitops.targetPhase and the advice names dist, synth\'s default --out)')
    .option('--live-file <path>', 'compare with an exported `oc get -o yaml` List (or a folder of them) instead of a cluster; verdicts are approximate')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context')
    .option('-n, --namespace <name>', 'default namespace for the client (the plan names every namespace it uses)')
    .option(
      '--field-manager <manager>',
      'field manager of the server-side apply dry-run: argocd (argocd-controller), flux (kustomize-controller), kubectl, ours (threescale-migrate), or a name (default: the engine of spec.gitops.engine, else ours)',
    )
    .option('--explain', 'also read pod states, Warning Events and the tails of the 3scale and migration pod logs, and explain the failures they show (vendor chapter 7)')
    .addOption(versionRequirementsOption())
    .option('--request-timeout <seconds>', 'deadline of each API request', (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds.');
      return n;
    });
}

/**
 * `--version-requirements`: which table of 3scale 2.16 minimum versions applies, overriding
 * spec.preflight.versionRequirements (the vendor documentation and the upstream operator disagree).
 */
export function versionRequirementsOption(): Option {
  return new Option('--version-requirements <table>', 'minimum server versions for 2.16: vendor (documentation: Redis 7.2, PostgreSQL 15) or operator (2.16 operator: Redis 7.0, PostgreSQL 13) (default: spec.preflight.versionRequirements)').choices([
    'vendor',
    'operator',
  ]);
}

/** Options as commander parses them. */
export interface CompareFlags {
  readonly config: string;
  readonly phase?: string;
  readonly dir?: string;
  readonly liveFile?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly fieldManager?: string;
  readonly requestTimeout?: number;
  readonly explain?: boolean;
  readonly versionRequirements?: 'vendor' | 'operator';
}

/** Maps flags to the library options. */
export function compareOptions(flags: CompareFlags) {
  return {
    planPath: flags.config,
    phase: flags.phase,
    dir: flags.dir,
    liveFile: flags.liveFile,
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    namespace: flags.namespace,
    fieldManager: flags.fieldManager,
    requestTimeoutMs: flags.requestTimeout ? flags.requestTimeout * 1000 : undefined,
    explain: flags.explain === true,
    versionRequirements: flags.versionRequirements,
  };
}
