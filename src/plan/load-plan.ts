import { createRequire } from 'node:module';
import { UserError } from '../errors.js';
import { readUserFile } from '../util/read-user-file.js';
import { toStableJson } from '../util/stable-json.js';
import { PROCEDURES, procedureById, procedureOfKind } from '../phases/registry.js';
import type { PlanBase } from './plan-base.js';
import { PLAN_API_VERSION, type VersionRequirementsPolicy } from './plan-schema.js';
import { readPlanYaml } from './plan-yaml.js';
import { describe } from './zod-issue.js';

/** A validated plan and where it came from. */
export interface LoadedPlan<P extends PlanBase = PlanBase> {
  /** The plan with every default filled in. */
  readonly plan: P;
  /** Path as the user gave it, used in messages. */
  readonly path: string;
  /**
   * sha256 of the validated plan (defaults filled in, keys sorted) without `spec.gitops`: recorded in the
   * cluster so `diff` can tell which plan was applied. Comments, formatting and promoting the GitOps target
   * phase do not change it, so they never make a Job look changed. Computed on first read: `plan` and
   * `preflight` never need it.
   */
  readonly sha256: string;
}

/** Plan files are small; anything bigger is not a plan (and is refused before parsing, after reading at most one byte more). */
const MAX_PLAN_BYTES = 1024 * 1024;

/** Reads, parses and validates a plan file; every failure is one sentence naming the file and field. */
export function loadPlanFile(path: string): LoadedPlan {
  return parsePlan(readUserFile(path, MAX_PLAN_BYTES, { noun: 'plan file', example: 'migration.yaml' }), path);
}

/** Parses and validates plan bytes; `path` only names the source in messages. */
export function parsePlan(bytes: Buffer | string, path: string): LoadedPlan {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const text = buffer.toString('utf8');
  if (text.includes('\u0000') || text.includes('\uFFFD')) {
    throw new UserError(`${path}: the plan file is not UTF-8 text; expected a YAML document.`);
  }
  const raw = readPlanYaml(text, path);
  const plan = validatePlan(raw, path);
  return loadedPlan(plan, path);
}

/**
 * The plan with `spec.preflight.versionRequirements` replaced (the `--version-requirements` flag), exactly as
 * if the file said so: the digest follows, so `synth` and `diff` given the same flag agree.
 */
export function withVersionRequirements(loaded: LoadedPlan, policy: VersionRequirementsPolicy | undefined): LoadedPlan {
  // A procedure that measures no server versions has no table to replace.
  const procedure = procedureById(loaded.plan.spec.procedure);
  if (policy === undefined || !procedure.withVersionRequirements) return loaded;
  const plan = procedure.withVersionRequirements(loaded.plan, policy);
  return plan === loaded.plan ? loaded : loadedPlan(plan, loaded.path);
}

function loadedPlan<P extends PlanBase>(plan: P, path: string): LoadedPlan<P> {
  let sha256: string | undefined;
  return {
    plan,
    path,
    get sha256() {
      return (sha256 ??= planDigest(plan));
    },
  };
}

// node:crypto is read when a digest is first asked for, not at start-up: loading it costs `plan` about 3 ms of
// its 2x-bare-Node budget, and only synth needs a digest.
const requireBuiltin = createRequire(import.meta.url);

/** Digest of what a plan means for the cluster (see {@link LoadedPlan.sha256}). */
export function planDigest(plan: PlanBase): string {
  const { gitops: _gitops, ...spec } = plan.spec;
  const { createHash } = requireBuiltin('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(toStableJson({ ...plan, spec })).digest('hex');
}

function validatePlan(raw: unknown, path: string): PlanBase {
  const allKinds = PROCEDURES.map((p) => p.planKind).filter((k, i, all) => all.indexOf(k) === i);
  const kinds = allKinds.map((k) => JSON.stringify(k)).join(', ');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError(`${path}: the file holds ${describe(raw)}; expected a plan mapping (${kinds}) with apiVersion, kind, metadata and spec.`);
  }
  const { apiVersion, kind } = raw as { apiVersion?: unknown; kind?: unknown };
  if (apiVersion !== PLAN_API_VERSION) {
    const got = apiVersion === undefined ? 'is required (expected' : 'expected';
    throw new UserError(`${path}: apiVersion: ${got} "${PLAN_API_VERSION}"${apiVersion === undefined ? ')' : `, got ${describe(apiVersion)}`}.`);
  }
  const procedure = procedureOfKind(kind);
  if (!procedure) {
    const expected = allKinds.length === 1 ? kinds : `one of ${kinds}`;
    throw new UserError(`${path}: kind: ${kind === undefined ? `is required (expected ${expected})` : `expected ${expected}, got ${describe(kind)}`}.`);
  }
  return procedure.validatePlan(raw, path);
}
