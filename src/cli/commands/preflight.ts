import type { Command } from 'commander';
import { configOption, contextOption, kubeconfigOption, outputFormatOption, requestTimeoutOption } from './shared-options.js';
import { printJson, printText } from '../../redact/print.js';

/** `preflight`: check a cluster can take a fresh install, before anything is applied. */
export function registerPreflight(program: Command): void {
  program
    .command('preflight')
    .description('check a cluster can take a fresh install (storage classes, nodes, resources, Route hosts, Secrets), read-only')
    .addOption(configOption())
    .addOption(kubeconfigOption())
    .addOption(contextOption())
    .addOption(outputFormatOption(['text', 'json']))
    .addOption(requestTimeoutOption())
    .action(async (flags: { config: string; kubeconfig?: string; context?: string; output: 'text' | 'json'; requestTimeout?: number }) => {
      const { runPreflight } = await import('../../preflight/run-preflight.js');
      const { report, text } = await runPreflight({ planPath: flags.config, kubeconfig: flags.kubeconfig, context: flags.context, requestTimeoutMs: flags.requestTimeout ? flags.requestTimeout * 1000 : undefined });
      if (flags.output === 'json') printJson(report, (r) => `${JSON.stringify(r, null, 2)}\n`);
      else printText(text);
      // 1 when a check failed, as diff exits 1 on differences.
      if (!report.ok) process.exitCode = 1;
    });
}
