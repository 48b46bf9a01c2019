import { type Command, Option } from 'commander';
import { addLiveFileOption } from './live-file-option.js';
import { configOption, contextOption, kubeconfigOption, namespaceOption, requestTimeoutOption } from './shared-options.js';

/**
 * The options `diff`, `status` and `promote` share: plan, live source, kubectl-style cluster flags, and (not for
 * `promote`, whose `--to` and `--out` say them) the target folder and the synthesized folder.
 */
export function addCompareOptions(command: Command, options: { readonly targetFlags: boolean } = { targetFlags: true }): Command {
  command.addOption(configOption());
  if (options.targetFlags) {
    command
      .option('--phase <phase>', 'folder to compare object by object: a phase id or rollback/<id> (default: the phase the wiring in --dir reconciles, else spec.gitops.targetPhase)')
      .option('--dir <folder>', 'the folder synth wrote (its --out): the target is the phase its GitOps wiring reconciles, and the advice names this folder (default: none; the target is spec.gitops.targetPhase and the advice names dist, synth\'s default --out)');
  }
  return addLiveFileOption(command)
    .addOption(kubeconfigOption())
    .addOption(contextOption())
    .addOption(namespaceOption())
    .option(
      '--field-manager <manager>',
      'field manager of the server-side apply dry-run: argocd (argocd-controller), flux (kustomize-controller), kubectl, ours (threescale-migrate), or a name (default: the engine of spec.gitops.engine, else ours)',
    )
    .option('--explain', 'also read pod states, Warning Events and the tails of the 3scale and migration pod logs, and explain the failures they show (vendor chapter 7)')
    .addOption(versionRequirementsOption())
    .addOption(requestTimeoutOption());
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
