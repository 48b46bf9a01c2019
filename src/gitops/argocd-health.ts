/**
 * Health of `argoproj.io/Application` for Argo CD's `argocd-cm`. Argo CD 1.8 stopped computing it, so in an
 * app-of-apps the parent's sync waves move on as soon as a child is synced, not when it is healthy. With
 * this, the parent waits: a child reports the health of its own resources.
 */
export const APPLICATION_HEALTH_LUA = [
  '-- threescale-migrate: a child Application is as healthy as its resources say.',
  'local result = { status = "Progressing", message = "waiting for the child Application to report health" }',
  'if obj.status ~= nil and obj.status.health ~= nil and obj.status.health.status ~= nil then',
  '  result.status = obj.status.health.status',
  '  result.message = obj.status.health.message or ""',
  'end',
  'return result',
  '',
].join('\n');
