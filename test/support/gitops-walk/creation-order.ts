/**
 * The order in which an engine creates objects, read from the API server's own watch streams: every ADDED and
 * DELETED of ServiceAccounts, ConfigMaps, RoleBindings and Jobs with its resource version (an etcd revision of
 * the one test etcd, so comparable across kinds). Answers, for every Job created, which of the objects it
 * uses (its ServiceAccount, its ConfigMap volumes, the RoleBindings naming its ServiceAccount) did not exist
 * yet at that revision.
 */
import { request } from 'node:https';
import type { ApiEndpoint } from '../real-api/index.js';

const COLLECTIONS = ['/api/v1/serviceaccounts', '/api/v1/configmaps', '/apis/rbac.authorization.k8s.io/v1/rolebindings', '/apis/batch/v1/jobs'];

/** One ADDED or DELETED event as the watch delivered it. */
export interface Seen {
  readonly kind: string;
  readonly type: 'ADDED' | 'DELETED';
  readonly rv: bigint;
  readonly object: any;
}

/** Watches the four kinds until stopped; `missingAtJobCreation` judges what it saw. */
export class CreationOrder {
  private readonly seen: Seen[] = [];
  private readonly requests: { destroy(): void }[] = [];
  private stopped = false;

  public constructor(private readonly endpoint: ApiEndpoint) {}

  /** Opens the watches (existing objects come first as ADDED at their current revision). */
  public start(): void {
    for (const path of COLLECTIONS) this.watch(path, undefined);
  }

  public stop(): void {
    this.stopped = true;
    for (const r of this.requests) r.destroy();
  }

  /** Jobs created so far. */
  public jobsCreated(): string[] {
    return this.seen.filter((s) => s.kind === 'Job' && s.type === 'ADDED').map((s) => `${s.object.metadata.namespace}/${s.object.metadata.name}`);
  }

  /** For every Job creation: the objects it uses that did not exist at its revision (empty when the order held). */
  public missingAtJobCreation(): string[] {
    return missingAtJobCreation(this.seen);
  }

  private watch(path: string, fromRv: string | undefined): void {
    if (this.stopped) return;
    const url = new URL(`${path}?watch=1&allowWatchBookmarks=false${fromRv ? `&resourceVersion=${fromRv}` : ''}`, this.endpoint.url);
    let last = fromRv;
    let buffered = '';
    const req = request(url, { ca: this.endpoint.caPem, headers: { Authorization: `Bearer ${this.endpoint.token}`, Accept: 'application/json' } }, (res) => {
      res.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (!line.trim()) continue;
          const event = JSON.parse(line) as { type: string; object: any };
          if (event.type !== 'ADDED' && event.type !== 'DELETED') continue;
          last = event.object.metadata.resourceVersion as string;
          this.seen.push({ kind: event.object.kind as string, type: event.type, rv: BigInt(last), object: event.object });
        }
      });
      // The server ends a watch after its timeout: go on from the last revision seen.
      res.on('end', () => this.watch(path, last));
    });
    req.on('error', () => undefined);
    req.end();
    this.requests.push(req);
  }
}

function namesServiceAccount(binding: any, namespace: string, name: string): boolean {
  return ((binding.subjects ?? []) as any[]).some((s) => s.kind === 'ServiceAccount' && s.name === name && (s.namespace ?? binding.metadata.namespace) === namespace);
}

/** For every Job creation in `seen`: the objects it uses that did not exist at its revision. */
export function missingAtJobCreation(seen: readonly Seen[]): string[] {
  const missing: string[] = [];
  for (const job of seen.filter((s) => s.kind === 'Job' && s.type === 'ADDED')) {
    const ns = job.object.metadata.namespace as string;
    const pod = job.object.spec?.template?.spec ?? {};
    const needed: [string, string, string][] = [];
    const sa = (pod.serviceAccountName as string | undefined) ?? 'default';
    if (sa !== 'default') needed.push(['ServiceAccount', ns, sa]);
    for (const v of (pod.volumes ?? []) as any[]) if (v.configMap?.name) needed.push(['ConfigMap', ns, v.configMap.name]);
    for (const rb of seen.filter((s) => s.kind === 'RoleBinding' && s.type === 'ADDED' && namesServiceAccount(s.object, ns, sa))) {
      needed.push(['RoleBinding', rb.object.metadata.namespace, rb.object.metadata.name]);
    }
    for (const [kind, namespace, name] of needed) {
      if (!existsAt(seen, kind, namespace, name, job.rv)) missing.push(`Job ${ns}/${job.object.metadata.name} (revision ${job.rv}) before ${kind} ${namespace}/${name}`);
    }
  }
  return [...new Set(missing)];
}

/** Whether the object's last event before revision `rv` was its creation. */
function existsAt(seen: readonly Seen[], kind: string, namespace: string, name: string, rv: bigint): boolean {
  let exists = false;
  for (const s of seen) {
    if (s.kind !== kind || s.object.metadata.namespace !== namespace || s.object.metadata.name !== name || s.rv >= rv) continue;
    exists = s.type === 'ADDED';
  }
  return exists;
}
