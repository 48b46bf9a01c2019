import { CONNECTION_SECRETS } from '../../contract/on-cluster.js';
import type { RedisRole } from '../plan-facts.js';
import type { SentinelRedis } from '../plan-schema.js';
import { secretRef } from './managed-mover.js';
import type { RedisMover, SecretRewrite } from './mover.js';

const { backendRedis: BACKEND, systemRedis: SYSTEM } = CONNECTION_SECRETS;

/** The role 3scale asks the sentinels for: always the master (3scale writes). */
export const SENTINEL_ROLE = 'master';

/** One master of a Sentinel-managed Redis as 3scale reaches it. */
export interface SentinelMaster {
  /** The connection Secret key of its URL. */
  readonly urlKey: string;
  readonly hostsKey: string;
  readonly roleKey: string;
  readonly masterName: string;
  readonly database: number;
}

/** The masters of one role: backend storage and queues (possibly two masters), or the system Redis. */
export function sentinelMasters(s: SentinelRedis): SentinelMaster[] {
  if ('storageDatabase' in s) {
    const [storageHosts, storageRole, queuesHosts, queuesRole] = BACKEND.sentinelKeys;
    return [
      { urlKey: BACKEND.storageUrl, hostsKey: storageHosts, roleKey: storageRole, masterName: s.masterName, database: s.storageDatabase },
      { urlKey: BACKEND.queuesUrl, hostsKey: queuesHosts, roleKey: queuesRole, masterName: s.queuesMasterName ?? s.masterName, database: s.queuesDatabase },
    ];
  }
  const [hostsKey, roleKey] = SYSTEM.sentinelKeys;
  return [{ urlKey: SYSTEM.url, hostsKey, roleKey, masterName: s.masterName, database: s.database }];
}

/** `redis://[:password@]host:port,...`: the sentinel list 3scale reads, the sentinels' password (if any) filled in the cluster. */
function sentinelHostsValue(s: SentinelRedis): string {
  const c = s.credentials;
  const auth = c?.sentinelPasswordKey ? `:${secretRef(c.secretName, c.sentinelPasswordKey)}@` : '';
  return s.hosts.map((h) => `redis://${auth}${h}`).join(',');
}

/**
 * `sentinel`: an existing Redis whose master the sentinels name. The URL 3scale reads has the master name as
 * its host (`redis://:password@NAME/DB`); the sentinel keys are filled, so 3scale asks the sentinels for the
 * master on every (re)connection and follows a failover.
 */
export const sentinelMover: RedisMover<'sentinel'> = {
  strategy: 'sentinel',
  secretRewrites(_plan, role, { sentinel: s }) {
    const secret = role === 'backend' ? BACKEND.name : SYSTEM.name;
    const c = s.credentials;
    const auth = c ? `:${secretRef(c.secretName, c.passwordKey)}@` : '';
    return sentinelMasters(s).flatMap((m): SecretRewrite[] => [
      { secret, key: m.urlKey, template: `redis://${auth}${m.masterName}/${m.database}` },
      { secret, key: m.hostsKey, template: sentinelHostsValue(s) },
      { secret, key: m.roleKey, template: SENTINEL_ROLE },
    ]);
  },
  describeRewrite(_plan, role, { sentinel: s }) {
    const from = s.credentials ? ` with the credentials of Secret ${s.credentials.secretName}` : ' (no AUTH)';
    const keys = sentinelMasters(s).map((m) => `${m.urlKey} (master ${m.masterName}, /${m.database}), ${m.hostsKey} and ${m.roleKey} (${SENTINEL_ROLE})`);
    return `${role}-redis ${keys.join('; ')} to the sentinels ${s.hosts.join(', ')}${from}`;
  },
};

/**
 * Whether the connection Secret of a role (its keys as exported: `data` base64 or `stringData`) sends 3scale
 * to sentinels: a sentinel hosts key is set. Discovery reads it to tell an external Redis behind sentinels.
 */
export function connectionUsesSentinels(role: RedisRole, secret: Readonly<Record<string, unknown>> | undefined): boolean {
  const data = (secret?.['data'] ?? {}) as Record<string, string | undefined>;
  const stringData = (secret?.['stringData'] ?? {}) as Record<string, string | undefined>;
  const hostKeys = role === 'backend' ? [BACKEND.sentinelKeys[0], BACKEND.sentinelKeys[2]] : [SYSTEM.sentinelKeys[0]];
  return hostKeys.some((k) => (stringData[k] ?? Buffer.from(data[k] ?? '', 'base64').toString('utf8')).trim() !== '');
}
