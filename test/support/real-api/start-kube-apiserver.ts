/**
 * The kube-apiserver of a test API server, configured like a cluster's as far as the tests can tell: TLS with a
 * serving certificate for 127.0.0.1, static token authentication, RBAC authorization, service-account tokens
 * (TokenRequest) and the default admission plugins. No kubelet, scheduler or controller-manager.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, withStartRetries } from '../db-servers.js';
import { apiRequest, type ApiEndpoint } from './api-request.js';
import { servingCaOf, type ServerCredentials } from './credentials.js';
import { startServerProcess, type ServerProcess } from './process-group.js';
import { waitReady } from './wait-ready.js';

/** The issuer of the service-account tokens (the in-cluster name, as on a cluster). */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** A running kube-apiserver that answers /readyz. */
export interface KubeApiserver {
  readonly endpoint: ApiEndpoint;
  readonly process: ServerProcess;
  /** Where kube-apiserver wrote its self-signed serving certificate (apiserver.crt) and key (apiserver.key). */
  readonly certDir: string;
}

function apiserverArgs(port: number, etcdUrl: string, certDir: string, creds: ServerCredentials): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${certDir}`,
    `--token-auth-file=${creds.tokenAuthFile}`,
    '--authorization-mode=RBAC',
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${creds.serviceAccountPublicKeyFile}`,
    `--service-account-signing-key-file=${creds.serviceAccountSigningKeyFile}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--profiling=false',
    '--v=0',
  ];
}

async function startOnce(binary: string, dir: string, etcdUrl: string, creds: ServerCredentials): Promise<KubeApiserver> {
  const port = await freePort();
  const certDir = join(dir, `certs-${port}`);
  await mkdir(certDir, { recursive: true });
  const proc = startServerProcess('kube-apiserver', binary, apiserverArgs(port, etcdUrl, certDir, creds), join(dir, 'kube-apiserver.log'));
  const url = `https://127.0.0.1:${port}`;
  try {
    let endpoint: ApiEndpoint | undefined;
    await waitReady(proc, `kube-apiserver to be ready on ${url}`, 90_000, async () => {
      endpoint ??= { url, caPem: await servingCaOf(certDir), token: creds.adminToken };
      return (await apiRequest(endpoint, { method: 'GET', path: '/readyz' })).status === 200;
    });
    return { endpoint: endpoint!, process: proc, certDir };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

/** Starts kube-apiserver on a free loopback port, its certificates in `dir` (again on a new port when a start fails). */
export function startKubeApiserver(binary: string, dir: string, etcdUrl: string, creds: ServerCredentials): Promise<KubeApiserver> {
  return withStartRetries('kube-apiserver', () => startOnce(binary, dir, etcdUrl, creds));
}
