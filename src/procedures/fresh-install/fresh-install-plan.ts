import { UserError } from '../../errors.js';
import { installRegistry, plannedImages, plannedVolumes, registryOf, VENDOR_REGISTRY } from './fresh-install-facts.js';
import { type FreshInstallPlan, freshInstallPlanSchema } from './fresh-install-plan-schema.js';
import { parseWithSchema } from '../../plan/zod-issue.js';

/**
 * The FreshInstallPlan kind (procedure fresh-install). Beyond its schema, the checks that span several
 * fields: each one refuses, before anything reaches a cluster, a failure the ROSA field report met live.
 */

/** Validates a parsed FreshInstallPlan document (a mapping). */
export function validateFreshInstallPlan(raw: object, path: string): FreshInstallPlan {
  const plan = parseWithSchema(freshInstallPlanSchema(), raw, path);
  checkStorageClasses(plan, path);
  checkVolumes(plan, path);
  checkFileStorage(plan, path);
  checkImages(plan, path);
  return plan;
}

function checkStorageClasses(plan: FreshInstallPlan, path: string): void {
  const seen = new Set<string>();
  plan.spec.storageClasses.forEach((c, i) => {
    if (seen.has(c.name)) throw new UserError(`${path}: spec.storageClasses[${i}].name: "${c.name}" is listed twice; expected each storage class once.`);
    seen.add(c.name);
  });
  const defaults = plan.spec.storageClasses.filter((c) => c.default);
  if (defaults.length > 1) {
    throw new UserError(`${path}: spec.storageClasses: ${defaults.map((c) => `"${c.name}"`).join(' and ')} are both marked default; expected at most one default class.`);
  }
}

/** Every volume names a class of the plan's list, and an access mode that class supports (the report's Pending system-storage). */
function checkVolumes(plan: FreshInstallPlan, path: string): void {
  const known = plan.spec.storageClasses.map((c) => `"${c.name}"`).join(', ');
  for (const v of plannedVolumes(plan)) {
    if (v.storageClassName === undefined) {
      throw new UserError(`${path}: ${v.field}.storageClassName: is required because no class of spec.storageClasses is marked default (expected one of ${known}).`);
    }
    const cls = plan.spec.storageClasses.find((c) => c.name === v.storageClassName);
    if (!cls) throw new UserError(`${path}: ${v.field}.storageClassName: unknown storage class "${v.storageClassName}"; expected one of ${known} (spec.storageClasses).`);
    if (!cls.accessModes.includes(v.accessMode)) {
      throw new UserError(
        `${path}: ${v.field}.accessMode: storage class "${cls.name}" supports only ${cls.accessModes.join(', ')}, so a ${v.accessMode} claim would stay Pending; expected one of ${cls.accessModes.join(', ')}${v.field === 'spec.fileStorage' ? ', or fileStorage kind "s3"' : ''}.`,
      );
    }
  }
}

/**
 * `system-storage` is mounted by system-app and system-sidekiq. A ReadWriteOnce volume attaches to one
 * node, so more than one pod of them can only run if they share that node; ReadWriteOncePod admits one pod.
 */
function checkFileStorage(plan: FreshInstallPlan, path: string): void {
  const fs = plan.spec.fileStorage;
  if (fs.kind !== 'pvc') return;
  const { systemAppReplicas: app, systemSidekiqReplicas: sidekiq } = plan.spec.threescale;
  if (fs.accessMode === 'ReadWriteOncePod') {
    throw new UserError(`${path}: spec.fileStorage.accessMode: ReadWriteOncePod admits one pod, but system-app and system-sidekiq both mount system-storage; expected ReadWriteOnce, ReadWriteMany, or fileStorage kind "s3".`);
  }
  if (fs.accessMode === 'ReadWriteOnce' && (app > 1 || sidekiq > 1)) {
    const cls = plan.spec.storageClasses.find((c) => c.name === (fs.storageClassName ?? plan.spec.storageClasses.find((d) => d.default)?.name));
    const rwx = cls?.accessModes.includes('ReadWriteMany');
    throw new UserError(
      `${path}: spec.fileStorage.accessMode: ReadWriteOnce attaches system-storage to one node, which cannot serve ${app} system-app and ${sidekiq} system-sidekiq replicas spread over nodes; expected ${rwx ? 'ReadWriteMany, ' : ''}fileStorage kind "s3"${rwx ? '' : ` (class "${cls?.name}" offers no ReadWriteMany)`}, or 1 replica of each.`,
    );
  }
}

/** Images come from the registry the plan says the cluster can pull from (the report's unresolvable registry). */
function checkImages(plan: FreshInstallPlan, path: string): void {
  const { source, registry } = plan.spec.images;
  if (source === 'vendor' && registry !== undefined && registry !== VENDOR_REGISTRY) {
    throw new UserError(`${path}: spec.images.registry: "${registry}" is not the vendor registry; expected ${VENDOR_REGISTRY} (or nothing) with source "vendor", or source "mirror".`);
  }
  if (source === 'mirror' && registry === undefined) {
    throw new UserError(`${path}: spec.images.registry: is required with source "mirror" (expected the mirror's host, such as mirror.example.com:5000).`);
  }
  if (source !== 'mirror') return;
  const host = installRegistry(plan);
  for (const { field, image } of plannedImages(plan)) {
    if (registryOf(image) !== host) {
      throw new UserError(`${path}: ${field}: "${image}" is not on the mirror ${host}; expected every image of the plan under ${host}/ with source "mirror".`);
    }
  }
}
