import { CONNECTION_SECRETS } from '../../contract/on-cluster.js';
import type { RedisMover } from './mover.js';

const { backendRedis: BACKEND, systemRedis: SYSTEM } = CONNECTION_SECRETS;

/** `{secret/key}`: a placeholder for a key of the credentials Secret (in the 3scale namespace). */
export const secretRef = (secret: string, key: string) => `{${secret}/${key}}`;

/**
 * `managed`: an existing Redis (ElastiCache, seed chapter 6). The URL carries the password alone in its
 * userinfo (3scale 2.15 has no Redis ACL). The sentinel keys are emptied: 3scale would otherwise keep asking
 * the old sentinels.
 */
export const managedMover: RedisMover<'managed'> = {
  strategy: 'managed',
  secretRewrites(_plan, _role, { managed: m }) {
    const c = m.credentials;
    const base = `redis://${c ? `:${secretRef(c.secretName, c.passwordKey)}@` : ''}${m.host}:${m.port}`;
    if ('storageDatabase' in m) {
      return [
        { secret: BACKEND.name, key: BACKEND.storageUrl, template: `${base}/${m.storageDatabase}` },
        { secret: BACKEND.name, key: BACKEND.queuesUrl, template: `${base}/${m.queuesDatabase}` },
        ...BACKEND.sentinelKeys.map((key) => ({ secret: BACKEND.name, key, template: '' })),
      ];
    }
    return [{ secret: SYSTEM.name, key: SYSTEM.url, template: `${base}/${m.database}` }, ...SYSTEM.sentinelKeys.map((key) => ({ secret: SYSTEM.name, key, template: '' }))];
  },
  describeRewrite(_plan, _role, { managed: m }) {
    const from = m.credentials ? ` with the credentials of Secret ${m.credentials.secretName}` : ' (no AUTH)';
    if ('storageDatabase' in m) return `backend-redis REDIS_STORAGE_URL (/${m.storageDatabase}) and REDIS_QUEUES_URL (/${m.queuesDatabase}) to ${m.host}:${m.port}${from}, its sentinel keys emptied`;
    return `system-redis URL (/${m.database}) to ${m.host}:${m.port}${from}, its sentinel keys emptied`;
  },
};
