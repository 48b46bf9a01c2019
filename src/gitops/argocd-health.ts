/**
 * Argo CD resource health checks (Lua, run by Argo CD's gopher-lua VM) that the migration's one Application
 * needs. Each is keyed as Argo CD keys `resource.customizations.health.<group>_<Kind>` (a core kind has no
 * group and no underscore).
 */
export interface ResourceHealthCheck {
  /** API group; empty for the core group. */
  readonly group: string;
  readonly kind: string;
  /** Lua source; `obj` is the live object, the result a table `{ status, message }`. */
  readonly check: string;
}

/**
 * PersistentVolumeClaim: a claim of a WaitForFirstConsumer class stays Pending until a pod uses it, and the
 * new Redis claims of `prepare` get their first pod only in `load-redis`. Argo CD's built-in check calls that
 * Progressing, which holds every later sync wave of the phase. Here a Pending claim is Healthy (the pod that
 * will use it is a Deployment or Job of the same Application, whose own health says whether it starts),
 * and only a Lost claim is Degraded.
 */
export const PVC_HEALTH_LUA = [
  '-- threescale-migrate: a claim binds when its first pod starts; that pod reports its own health.',
  'local hs = { status = "Healthy", message = "Pending: binds when the first pod that uses it starts" }',
  'if obj.status ~= nil and obj.status.phase == "Bound" then',
  '  hs.message = "Bound"',
  'end',
  'if obj.status ~= nil and obj.status.phase == "Lost" then',
  '  hs.status = "Degraded"',
  '  hs.message = "Lost: the claim lost its volume"',
  'end',
  'return hs',
  '',
].join('\n');

/**
 * APIManager: Argo CD's built-in check reads the operator's `status.deployments`, which stops changing while
 * the operator is scaled to 0 (scale-down to scale-up), so a stale "starting" or "stopped" list would keep the
 * phase Progressing and the maintenance window open. The twelve 3scale Deployments are objects of every phase
 * folder and carry their own, current, health; the APIManager only reports what its operator last said, in
 * the message, and never holds the phase.
 */
export const APIMANAGER_HEALTH_LUA = [
  '-- threescale-migrate: the 3scale Deployments of the same phase carry the health; operator status may be stale.',
  'local hs = { status = "Healthy", message = "the operator has not reported yet" }',
  'if obj.status ~= nil and obj.status.conditions ~= nil then',
  '  for _, c in ipairs(obj.status.conditions) do',
  '    if c.type == "Available" then',
  '      hs.message = "operator last reported Available=" .. tostring(c.status) .. " (may be stale while it is scaled to 0)"',
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
