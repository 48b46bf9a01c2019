import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { toStableJson } from '../synth/yaml-output.js';
import { type Plan, planSchema, type VersionRequirementsPolicy } from './plan-schema.js';

/** A validated plan and where it came from. */
export interface LoadedPlan {
  /** The plan with every default filled in. */
  readonly plan: Plan;
  /** Path as the user gave it, used in messages. */
  readonly path: string;
  /**
   * sha256 of the validated plan (defaults filled in, keys sorted) without `spec.gitops`: recorded in the
   * cluster so `diff` can tell which plan was applied. Comments, formatting and promoting the GitOps target
   * phase do not change it, so they never make a Job look changed.
   */
  readonly sha256: string;
}

/** Plan files are small; anything bigger is not a plan (and is refused before parsing). */
const MAX_PLAN_BYTES = 1024 * 1024;
/** YAML aliases a plan could reasonably use; a billion-laughs bomb needs far more. */
const MAX_ALIAS_COUNT = 50;

const ORACLE_REFUSAL =
  'the System database is Oracle, and 3scale 2.16 is not compatible with Oracle Database: ' +
  'the vendor says not to install or upgrade to 2.16 with Oracle and to stay on 2.15 until a later maintenance release adds support';

/** Reads, parses and validates a plan file; every failure is one sentence naming the file and field. */
export function loadPlanFile(path: string): LoadedPlan {
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_PLAN_BYTES) {
      throw new UserError(`${path}: the plan file is ${size} bytes; expected a plan file of at most ${MAX_PLAN_BYTES} bytes.`);
    }
    bytes = readFileSync(path);
  } catch (err) {
    if (UserError.isUserError(err)) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : 'it cannot be read';
    throw new UserError(`${path}: cannot read the plan file (${why}); expected a readable migration.yaml.`);
  }
  return parsePlan(bytes, path);
}

/** Parses and validates plan bytes; `path` only names the source in messages. */
export function parsePlan(bytes: Buffer | string, path: string): LoadedPlan {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const text = buffer.toString('utf8');
  if (text.includes('\u0000') || text.includes('\uFFFD')) {
    throw new UserError(`${path}: the plan file is not UTF-8 text; expected a YAML document.`);
  }
  const raw = parseYaml(text, path);
  const plan = validatePlan(raw, path);
  return { plan, path, sha256: planDigest(plan) };
}

/**
 * The plan with `spec.preflight.versionRequirements` replaced (the `--version-requirements` flag), exactly as
 * if the file said so: the digest follows, so `synth` and `diff` given the same flag agree.
 */
export function withVersionRequirements(loaded: LoadedPlan, policy: VersionRequirementsPolicy | undefined): LoadedPlan {
  if (policy === undefined || policy === loaded.plan.spec.preflight.versionRequirements) return loaded;
  const plan: Plan = { ...loaded.plan, spec: { ...loaded.plan.spec, preflight: { ...loaded.plan.spec.preflight, versionRequirements: policy } } };
  return { ...loaded, plan, sha256: planDigest(plan) };
}

/** Digest of what a plan means for the cluster (see {@link LoadedPlan.sha256}). */
export function planDigest(plan: Plan): string {
  const { gitops: _gitops, ...spec } = plan.spec;
  return createHash('sha256').update(toStableJson({ ...plan, spec })).digest('hex');
}

function parseYaml(text: string, path: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true, version: '1.2', lineCounter });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const pos = lineCounter.linePos(problem.pos[0]);
    const where = `line ${pos.line}, column ${pos.col}`;
    const what = problem.code === 'DUPLICATE_KEY' ? 'a key appears twice in the same mapping' : firstLine(problem.message);
    throw new UserError(`${path}: invalid YAML at ${where}: ${what}; expected one YAML mapping with unique keys.`);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw new UserError(`${path}: the YAML expands too many aliases (${firstLine((err as Error).message)}); expected a plan without alias bombs.`);
  }
}

function validatePlan(raw: unknown, path: string): Plan {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError(`${path}: the file holds ${describe(raw)}; expected a MigrationPlan mapping with apiVersion, kind, metadata and spec.`);
  }
  const kind = (raw as { spec?: { systemDatabase?: { kind?: unknown } } }).spec?.systemDatabase?.kind;
  if (kind === 'oracle') {
    throw new UserError(`${path}: spec.systemDatabase.kind: ${ORACLE_REFUSAL}.`);
  }
  const result = planSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new UserError(`${path}: ${formatIssue(result.error.issues[0]!)}.`);
  }
  const plan = result.data;
  checkDetachList(plan, path);
  checkUpgrade(plan, path);
  return plan;
}

/**
 * An enabled upgrade applies the approval mode of each Subscription as the plan states it, so the plan must
 * state it (discovery copies it from the live Subscription): a default could turn a cluster that approves
 * InstallPlans by hand into one that upgrades by itself, or the reverse.
 */
function checkUpgrade(plan: Plan, path: string): void {
  const u = plan.spec.upgrade;
  if (!u?.enabled) return;
  for (const [field, s] of [['subscription', u.subscription], ['apicast', u.apicast]] as const) {
    if (s && s.installPlanApproval === undefined) {
      throw new UserError(
        `${path}: spec.upgrade.${field}.installPlanApproval: is required when spec.upgrade.enabled is true (expected "Automatic" or "Manual", as the live Subscription has it; discover fills it in).`,
      );
    }
  }
}

function checkDetachList(plan: Plan, path: string): void {
  const db = plan.spec.systemDatabase;
  if (db.kind !== 'mysql' || !db.detach) return;
  const seen = new Set<string>();
  db.detach.forEach((o, i) => {
    const key = `${o.kind}/${o.name}`;
    if (seen.has(key)) {
      throw new UserError(`${path}: spec.systemDatabase.detach[${i}]: ${key} is listed twice; expected each object once.`);
    }
    seen.add(key);
    if (o.podTemplateLabels && o.kind !== 'Deployment') {
      throw new UserError(`${path}: spec.systemDatabase.detach[${i}].podTemplateLabels: ${key} has no pod template; expected podTemplateLabels only on a Deployment.`);
    }
  });
}

/** Turns the first zod issue into "field: expected X, got Y". */
export function formatIssue(issue: z.core.$ZodIssue): string {
  const field = formatPath(issue.path);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
      const at = issue.path.length ? `${field}: ` : '';
      return `${at}unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}; expected only the documented fields (see the plan file reference in the README)`;
    }
    case 'invalid_type': {
      const expected = isOwnMessage(issue.message) ? issue.message : issue.expected;
      if (input === undefined) return `${field}: is required (expected ${expected})`;
      return `${field}: expected ${expected}, got ${describe(input)}`;
    }
    case 'invalid_value': {
      const choices = issue.values.map((v) => JSON.stringify(v));
      return `${field}: expected ${choices.length === 1 ? choices[0] : `one of ${choices.join(', ')}`}, got ${describe(input)}`;
    }
    case 'invalid_union':
      return `${field}: expected ${issue.message.startsWith('"') ? issue.message : 'a valid value'}, got ${describe(input)}`;
    default: {
      const expected = isOwnMessage(issue.message) ? issue.message : issue.message.toLowerCase();
      return `${field}: expected ${expected}, got ${describe(input)}`;
    }
  }
}

/** Messages written in this project's schema read "a ..." / "an ..." / a quoted literal. */
function isOwnMessage(message: string): boolean {
  return message.startsWith('a ') || message.startsWith('an ') || message.startsWith('"');
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(p))) out += out ? `.${String(p)}` : String(p);
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out || '(top level)';
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/\.$/, '');
}

/** The file name alone, for short messages. */
export function planLabel(loaded: LoadedPlan): string {
  return basename(loaded.path);
}
