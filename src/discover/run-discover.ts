import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Document } from 'yaml';
import { UserError } from '../errors.js';
import { PROCEDURES } from '../phases/registry.js';
import type { DiscoveredPlan, DiscoverySource, Procedure } from '../phases/phase.js';
import { parsePlan } from '../plan/load-plan.js';

/** Options of `discover`. */
export interface DiscoverOptions extends DiscoverySource {
  /**
   * The id of the procedure to plan, one of the registry's that offer discovery.
   * @default the first of them (the 2.15 -> 2.16 externalization)
   */
  readonly procedure?: string;
  /** Where to write the plan; `-` is stdout. */
  readonly out: string;
  /** Overwrite an existing plan file (otherwise refused). */
  readonly force?: boolean;
}

/** Reads the install, writes the plan (validated by the same loader synth uses), returns a summary line. */
export async function runDiscover(options: DiscoverOptions): Promise<string> {
  return writePlan(options, await discovered(options));
}

/** Reads the install and returns the plan's text (validated), writing nothing: `discover --fleet` writes it. */
export async function discoverPlanText(options: DiscoverOptions): Promise<string> {
  return planText(options, await discovered(options));
}

/** Runs the discovery of the procedure `--procedure` names (the first discoverable one by default). */
async function discovered(options: DiscoverOptions): Promise<DiscoveredPlan> {
  const discoverable = PROCEDURES.filter((p) => p.discovery !== undefined);
  const procedure = options.procedure === undefined ? discoverable[0] : discoverable.find((p) => p.id === options.procedure);
  if (!procedure?.discovery) {
    const [first, ...others] = discoverable.map((p) => `"${p.id}"`);
    throw new UserError(`--procedure: unknown procedure "${options.procedure ?? ''}"; expected ${first ?? 'none'} (the default)${others.length ? ` or ${others.join(' or ')}` : ''}.`);
  }
  const discovery = await procedure.discovery();
  try {
    return await discovery.discover(options);
  } catch (err) {
    if (!(err instanceof UserError) || options.procedure !== undefined || options.fromFile === undefined) throw err;
    throw (await otherProcedureHint(options.fromFile, discoverable.filter((p) => p !== procedure))) ?? err;
  }
}

/**
 * When the default procedure finds nothing of its install in an export, the error another procedure's
 * discovery hook gives instead: what it recognizes in the export and the `--procedure` that plans it.
 */
async function otherProcedureHint(file: string, others: readonly Procedure[]): Promise<UserError | undefined> {
  const { readExport } = await import('../live/export-file.js');
  const objects = await readExport(file);
  for (const other of others) {
    const found = (await other.discovery!()).recognize?.(objects);
    if (found) return new UserError(`${file}: holds ${found}, not an install the default procedure plans; expected --procedure ${other.id} to plan it.`);
  }
  return undefined;
}

function writePlan(options: DiscoverOptions, found: DiscoveredPlan): string {
  const text = planText(options, found);
  if (options.out === '-') return text;
  writePlanFile(options.out, text, options.force === true);
  return `wrote ${options.out}: ${found.notes.join('; ')}\n`;
}

/** The plan file's text with its header, validated by the loader synth uses. */
function planText(options: DiscoverOptions, { plan, notes, sourceLabel, review }: DiscoveredPlan): string {
  const doc = new Document(plan);
  doc.commentBefore = [
    ` Written by threescale-migrate discover from ${sourceLabel}.`,
    ` Review before use: ${review}. No secret is recorded.`,
    ...notes.map((n) => ` found: ${n}`),
  ].join('\n');
  const text = doc.toString({ lineWidth: 0 });
  parsePlan(text, options.out === '-' ? 'discovered plan' : options.out);
  return text;
}

/**
 * Writes the plan file: a new file only (an existing one may hold edits), unless `force`; then the new text
 * replaces it whole, through a temporary file beside it and a rename.
 */
export function writePlanFile(out: string, text: string, force: boolean): void {
  const temp = `${out}.threescale-migrate-${process.pid}.tmp`;
  try {
    if (force && !isFolder(out)) {
      writeFileSync(temp, text, { flag: 'wx' });
      renameSync(temp, out);
    } else {
      writeFileSync(out, text, { flag: 'wx' });
    }
  } catch (err) {
    rmSync(temp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && !isFolder(out)) {
      throw new UserError(`${out}: exists and may hold edits; expected a path that does not exist yet, or --force to overwrite it.`);
    }
    throw new UserError(`${out}: cannot write the plan (${code === 'EEXIST' ? 'EISDIR' : (code ?? 'error')}); expected a writable --out path.`);
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
