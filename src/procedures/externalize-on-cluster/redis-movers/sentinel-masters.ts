import { CONNECTION_SECRETS } from '../../../contract/on-cluster.js';
import type { SentinelRedis } from '../../../plan/plan-schema.js';

const { backendRedis: BACKEND, systemRedis: SYSTEM } = CONNECTION_SECRETS;

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
