/** The etcd of a test API server: the project's own single-member etcd (test/envtest/etcd) on free loopback ports. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, withStartRetries } from '../db-servers.js';
import { startServerProcess, type ServerProcess } from './process-group.js';
import { waitReady } from './wait-ready.js';

/** A running etcd. */
export interface EtcdServer {
  readonly url: string;
  readonly process: ServerProcess;
}

async function healthy(url: string): Promise<boolean> {
  const res = await fetch(`${url}/health`);
  return res.ok && ((await res.json()) as { health?: string }).health === 'true';
}

async function startOnce(binary: string, dir: string): Promise<EtcdServer> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const dataDir = join(dir, `etcd-${clientPort}`);
  await mkdir(dataDir, { recursive: true });
  const url = `http://127.0.0.1:${clientPort}`;
  const args = ['--data-dir', dataDir, '--client-port', String(clientPort), '--peer-port', String(peerPort)];
  const proc = startServerProcess('etcd', binary, args, join(dir, 'etcd.log'));
  try {
    await waitReady(proc, `etcd to be healthy on ${url}`, 30_000, () => healthy(url));
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { url, process: proc };
}

/** Starts etcd with its data in `dir` (again on new ports when a start fails). */
export function startEtcd(binary: string, dir: string): Promise<EtcdServer> {
  return withStartRetries('etcd', () => startOnce(binary, dir));
}
