import { Command, CommanderError } from 'commander';
import { UserError } from '../errors.js';
import { printErrorLine } from '../redact/print.js';
import { endRedactionSession, redactText, startRedactionSession } from '../redact/session.js';
import { registerDiff } from './commands/diff.js';
import { registerDiscover } from './commands/discover.js';
import { registerPlan } from './commands/plan.js';
import { registerPreflight } from './commands/preflight.js';
import { registerPromote } from './commands/promote.js';
import { registerStatus } from './commands/status.js';
import { registerSynth } from './commands/synth.js';
import { VERSION } from './version.js';

/**
 * The `threescale-migrate` program. Command modules only declare options and call library code, which
 * they import lazily so `plan`, `--help` and `--version` never load cdk8s or the Kubernetes client.
 */
export function buildProgram(): Command {
  const program = new Command('threescale-migrate')
    .description('Migration-as-code for 3scale API Management on OpenShift: externalize the 2.15 databases, phase by phase, with a live diff.')
    .version(VERSION, '--version')
    .exitOverride()
    .showHelpAfterError(false)
    // One line: commander puts its suggestion ("(Did you mean diff?)") on a second line.
    .configureOutput({ outputError: (str, write) => write(`${redactText(str.trimEnd().replace(/\s*\n\s*/g, ' '))}\n`) });
  registerSynth(program);
  registerPlan(program);
  registerDiscover(program);
  registerDiff(program);
  registerStatus(program);
  registerPreflight(program);
  registerPromote(program);
  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 success (or in sync), 1 differences found, 2 any error a user
 * can cause (flags, plan file, cluster access), with one sentence on stderr and no stack trace.
 */
export async function main(argv: readonly string[]): Promise<number> {
  // Secrets read by an earlier run in this process (tests) are not this run's.
  startRedactionSession();
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2; // commander already printed its one-line message
    }
    if (UserError.isUserError(err)) {
      printErrorLine(`error: ${err.message}`);
      return err.exitCode;
    }
    // A bug: its report is masked now, while the run's secrets are known.
    throw new InternalErrorReport(internalErrorText(err), err);
  } finally {
    endRedactionSession();
  }
}

/** A bug that escaped a command, with its report (stack) already masked. */
class InternalErrorReport extends Error {
  public constructor(
    public readonly report: string,
    cause: unknown,
  ) {
    super(report, { cause });
    this.name = 'InternalErrorReport';
  }
}

/**
 * What the entry point prints for an error that is not a user error (a bug): its stack, with every secret
 * value read by the run masked, since the message of a bug may quote what was being read.
 */
export function internalErrorText(err: unknown): string {
  if (err instanceof InternalErrorReport) return err.report;
  const detail = err instanceof Error && err.stack ? err.stack : String(err);
  return redactText(`threescale-migrate: internal error, please report it: ${detail}\n`);
}
