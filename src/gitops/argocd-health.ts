/**
 * Argo CD resource health checks (Lua, run by Argo CD's gopher-lua VM) that the migration's one Application
 * needs. Each is keyed as Argo CD keys `resource.customizations.health.<group>_<Kind>` (a core kind has no
 * group and no underscore). The scripts are generated from the data the rules of src/health read, so Argo CD
 * and `status` cannot disagree on these kinds (test/gitops/argocd-health-fixtures.test.ts runs every fixture of
 * test/fixtures/health through both).
 */
import { API_MANAGER_REPORT } from '../health/api-manager.js';
import type { Health, HealthStatus } from '../health/health.js';
import { CLAIM_HEALTH_BY_PHASE } from '../health/persistent-volume-claim.js';
import type { StatusFieldTable } from '../health/status-field-table.js';

export interface ResourceHealthCheck {
  /** API group; empty for the core group. */
  readonly group: string;
  readonly kind: string;
  /** Lua source; `obj` is the live object, the result a table `{ status, message }`. */
  readonly check: string;
}

/** The health statuses Argo CD knows (gitops-engine `HealthStatusCode`). */
export type ArgoHealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

/**
 * How Argo CD's health reads as this tool's (src/health), the one table both are compared through:
 * - `Healthy`, `Progressing`, `Degraded`: the same verdicts;
 * - `Suspended` (a paused Deployment, a suspended Job or CronJob): `progressing`, it waits for someone to resume it;
 * - `Unknown` (no rule could judge it): `progressing`, nothing says it is done, nothing says waiting will not help;
 * - `Missing`: the object does not exist, which `diff` says as the object verdict `missing` before health is asked.
 */
export const HEALTH_OF_ARGO_STATUS: Readonly<Record<ArgoHealthStatus, HealthStatus | 'missing'>> = {
  Healthy: 'healthy',
  Progressing: 'progressing',
  Degraded: 'degraded',
  Suspended: 'progressing',
  Unknown: 'progressing',
  Missing: 'missing',
};

/** The Argo CD status a generated check returns for each of this tool's verdicts. */
export const ARGO_STATUS_OF_HEALTH: Readonly<Record<HealthStatus, ArgoHealthStatus>> = { healthy: 'Healthy', progressing: 'Progressing', degraded: 'Degraded' };

/** A Lua 5.1 string literal: quotes, backslashes, control and non-ASCII bytes as decimal escapes. */
export function luaString(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '"';
  for (const b of bytes) out += b === 0x22 || b === 0x5c || b < 0x20 || b > 0x7e ? `\\${String(b).padStart(3, '0')}` : String.fromCharCode(b);
  return `${out}"`;
}

/** A Lua table constructor `{ status = …, message = … }` of one health. */
function luaHealth(h: Health): string {
  return `{ status = ${luaString(ARGO_STATUS_OF_HEALTH[h.status])}, message = ${luaString(h.message)} }`;
}

/** The check of a kind whose health is one `status` field looked up in a table (src/health/status-field-table.ts). */
export function statusFieldLua(comment: string, table: StatusFieldTable): string {
  return [
    `-- threescale-migrate: ${comment}`,
    '-- Generated from the table src/health reads: the value of one status field, looked up.',
    'local cases = {',
    ...Object.entries(table.cases).map(([value, h]) => `  [${luaString(value)}] = ${luaHealth(h)},`),
    '}',
    `local hs = ${luaHealth(table.otherwise)}`,
    `if type(obj.status) == "table" and type(obj.status[${luaString(table.field)}]) == "string" and cases[obj.status[${luaString(table.field)}]] ~= nil then`,
    `  hs = cases[obj.status[${luaString(table.field)}]]`,
    'end',
    'return hs',
    '',
  ].join('\n');
}

/**
 * PersistentVolumeClaim: a claim of a WaitForFirstConsumer class stays Pending until a pod uses it, and the
 * new Redis claims of `prepare` get their first pod only in `load-redis`. Argo CD's built-in check calls that
 * Progressing, which holds every later sync wave of the phase. Here a Pending claim is Healthy (the pod that
 * will use it is a Deployment or Job of the same Application, whose own health says whether it starts),
 * and only a Lost claim is Degraded: src/health/persistent-volume-claim.ts's table.
 */
export const PVC_HEALTH_LUA = statusFieldLua('a claim binds when its first pod starts; that pod reports its own health.', CLAIM_HEALTH_BY_PHASE);

/**
 * APIManager: Argo CD's built-in check reads the operator's `status.deployments`, which stops changing while
 * the operator is scaled to 0 (scale-down to scale-up), so a stale "starting" or "stopped" list would keep the
 * phase Progressing and the maintenance window open. The twelve 3scale Deployments are objects of every phase
 * folder and carry their own, current, health; the APIManager only reports what its operator last said, in
 * the message, and never holds the phase (src/health/api-manager.ts's data).
 */
export const APIMANAGER_HEALTH_LUA = [
  '-- threescale-migrate: the 3scale Deployments of the same phase carry the health; operator status may be stale.',
  '-- Generated from the data src/health/api-manager.ts reads: the first well-formed condition of the type, quoted.',
  `local hs = ${luaHealth({ status: 'healthy', message: API_MANAGER_REPORT.silent })}`,
  'if type(obj.status) == "table" and type(obj.status.conditions) == "table" then',
  '  for _, c in ipairs(obj.status.conditions) do',
  `    if type(c) == "table" and c.type == ${luaString(API_MANAGER_REPORT.condition)} and type(c.status) == "string" then`,
  `      hs.message = ${luaString(API_MANAGER_REPORT.reported.before)} .. c.status .. ${luaString(API_MANAGER_REPORT.reported.after)}`,
  '      break',
  '    end',
  '  end',
  'end',
  'return hs',
  '',
].join('\n');

/** The checks, in the order they are rendered. */
export const RESOURCE_HEALTH_CHECKS: readonly ResourceHealthCheck[] = [
  { group: '', kind: 'PersistentVolumeClaim', check: PVC_HEALTH_LUA },
  { group: 'apps.3scale.net', kind: 'APIManager', check: APIMANAGER_HEALTH_LUA },
];

/** The `argocd-cm` key of a check. */
export function argocdCmKey(c: ResourceHealthCheck): string {
  return `resource.customizations.health.${c.group === '' ? c.kind : `${c.group}_${c.kind}`}`;
}
