/**
 * Example plans and render contexts for the unit suites of the registry, the charts, the synth and the
 * GitOps wiring. Plans are loaded through the real loader so every default is filled in as in production.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { expect } from 'vitest';
import { UserError } from '../../src/errors.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { PhaseDefinition, RenderContext } from '../../src/phases/phase.js';
import { procedureById } from '../../src/phases/registry.js';
import { type LoadedPlan, loadPlanFile, parsePlan } from '../../src/plan/load-plan.js';
import type { PlanBase } from '../../src/plan/plan-base.js';
import type { FreshInstallPlan } from '../../src/procedures/fresh-install/fresh-install-plan-schema.js';
import type { MigrationPlan } from '../../src/plan/plan-schema.js';
import type { TemplateUpgradePlan } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-plan-schema.js';

/** Every plan kind of the built-in procedures. */
type AnyPlan = MigrationPlan | FreshInstallPlan | TemplateUpgradePlan;

/** Narrows a plan to the MigrationPlan kind (the 2.15 externalization). */
export function isMigrationPlan(plan: PlanBase): plan is MigrationPlan {
  return plan.kind === 'MigrationPlan';
}

/** Narrows a plan to the FreshInstallPlan kind (a new self-hosted 2.16 install). */
function isFreshInstallPlan(plan: PlanBase): plan is FreshInstallPlan {
  return plan.kind === 'FreshInstallPlan';
}

/** Narrows a plan to the TemplateUpgradePlan kind (the template-era 2.5 to 2.6 upgrade). */
function isTemplateUpgradePlan(plan: PlanBase): plan is TemplateUpgradePlan {
  return plan.kind === 'TemplateUpgradePlan';
}

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..');

/** The bundled example plans (examples/<name>/migration.yaml). */
export const EXAMPLES = ['postgresql-and-redis', 'mysql-in-place-and-redis', 'redis-only', 'pre-2.15-deploymentconfigs', 'managed-rds-and-elasticache'] as const;
export type ExampleName = (typeof EXAMPLES)[number];

/** The bundled fresh-install example plans (examples/<name>/install.yaml). */
export const FRESH_INSTALL_EXAMPLES = ['fresh-install-rosa', 'fresh-install-openshift'] as const;
export type FreshInstallExampleName = (typeof FRESH_INSTALL_EXAMPLES)[number];

/** Path of a fresh-install example plan. */
export function freshInstallExamplePath(name: FreshInstallExampleName): string {
  return join(ROOT, 'examples', name, 'install.yaml');
}

/**
 * Loads an example plan through the real loader, after an optional change to its YAML (so defaults are filled
 * in after the change, as for a user writing that file), and fails the test when it is not of the expected
 * kind. Throws the loader's UserError for a refused plan.
 */
function loadAs<P extends AnyPlan>(path: string, label: string, isKind: (plan: PlanBase) => plan is P, change?: (raw: any) => void): LoadedPlan<P> {
  let loaded: LoadedPlan;
  if (change) {
    const raw = parse(readFileSync(path, 'utf8'));
    change(raw);
    loaded = parsePlan(stringify(raw), label);
  } else {
    loaded = loadPlanFile(path);
  }
  return asKind(loaded, isKind);
}

/**
 * The loaded plan narrowed to the kind the test expects, failing the test naming the file and the kind found
 * otherwise: the loader returns any plan kind. The same object, not a copy, so identity checks on what the
 * loader returned still hold; the guard narrows loaded.plan, which TypeScript does not carry over to the
 * object holding it.
 */
function asKind<P extends AnyPlan>(loaded: LoadedPlan, isKind: (plan: PlanBase) => plan is P): LoadedPlan<P> {
  if (!isKind(loaded.plan)) throw new Error(`${loaded.path}: the plan is of kind ${loaded.plan.kind}, not the kind the test expects`);
  return loaded as LoadedPlan<P>;
}

/**
 * The loaded plan as a MigrationPlan, for suites that load a file or text they know holds one (a discovered
 * plan, an e2e plan, a mutated example).
 */
export function asMigrationPlan(loaded: LoadedPlan): LoadedPlan<MigrationPlan> {
  return asKind(loaded, isMigrationPlan);
}

/** A MigrationPlan file loaded through the real loader ({@link loadPlanFile}); fails the test for another kind. */
export function loadMigrationPlan(path: string): LoadedPlan<MigrationPlan> {
  return asMigrationPlan(loadPlanFile(path));
}

/** MigrationPlan text parsed through the real loader ({@link parsePlan}); fails the test for another kind. */
export function parseMigrationPlan(text: string | Buffer, label: string): LoadedPlan<MigrationPlan> {
  return asMigrationPlan(parsePlan(text, label));
}

/** A fresh-install example plan, loaded and validated. */
export function loadFreshInstallExample(name: FreshInstallExampleName): LoadedPlan<FreshInstallPlan> {
  return loadAs(freshInstallExamplePath(name), `${name}/install.yaml`, isFreshInstallPlan);
}

/** A fresh-install example with a change made to its YAML before validation. */
export function freshInstallPlanWith(name: FreshInstallExampleName, change: (raw: any) => void): LoadedPlan<FreshInstallPlan> {
  return loadAs(freshInstallExamplePath(name), `${name}/install.yaml`, isFreshInstallPlan, change);
}

/** Path of an example plan. */
export function examplePath(name: ExampleName): string {
  return join(ROOT, 'examples', name, 'migration.yaml');
}

/** An example plan, loaded and validated. */
export function loadExample(name: ExampleName): LoadedPlan<MigrationPlan> {
  return loadAs(examplePath(name), `${name}/migration.yaml`, isMigrationPlan);
}

/** An example plan with a change made to its YAML before validation. */
export function examplePlanWith(name: ExampleName, change: (raw: any) => void): LoadedPlan<MigrationPlan> {
  return loadAs(examplePath(name), `${name}/migration.yaml`, isMigrationPlan, change);
}

/**
 * The render context of one phase of a plan's procedure (whether or not the plan runs it, so a chart can
 * be rendered on its own).
 */
export function contextFor<P extends PlanBase = MigrationPlan>(loaded: LoadedPlan<P>, phaseId: string, rollback = false): RenderContext<P> {
  const phases = procedureById(loaded.plan.spec.procedure).phases;
  const order = phases.findIndex((p) => p.id === phaseId);
  if (order < 0) throw new Error(`no phase ${phaseId} in ${loaded.plan.spec.procedure}`);
  return { plan: loaded.plan, planSha256: loaded.sha256, phase: phases[order]! as PhaseDefinition<P>, order, rollback };
}

/** One object by kind and name (and namespace when given); throws when absent. */
export function find(objects: readonly KubeObject[], kind: string, name: string, namespace?: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${namespace ? `${namespace}/` : ''}${name}, found ${found.length}`);
  return found[0]!;
}

/** `Kind namespace/name` of every object, for readable assertions. */
export function refs(objects: readonly KubeObject[]): string[] {
  return objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
}

/** The UserError a call throws (a plan the phases or the GitOps wiring refuse); fails when it throws anything else or nothing. */
export function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    expect(UserError.isUserError(err)).toBe(true);
    return err as UserError;
  }
  throw new Error('no error was thrown');
}

/** Path of the template-era upgrade example (a TemplateUpgradePlan, kept apart from the migration EXAMPLES). */
export const TEMPLATE_EXAMPLE = join(ROOT, 'examples', 'template-2.5-to-2.6', 'migration.yaml');

/** The template-era upgrade example, loaded and validated, with an optional change made to its YAML first. */
export function templateExample(change?: (raw: any) => void): LoadedPlan<TemplateUpgradePlan> {
  return loadAs(TEMPLATE_EXAMPLE, 'template-2.5-to-2.6/migration.yaml', isTemplateUpgradePlan, change);
}
