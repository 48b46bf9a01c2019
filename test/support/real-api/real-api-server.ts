/**
 * A real Kubernetes API server for the tests: the project's etcd and the pinned kube-apiserver (built by
 * test/envtest/build.sh) on free loopback ports in a temp folder, RBAC on, the project's CRDs installed, the
 * system namespaces prepared as a cluster's controllers would. No kubelet, scheduler or controller-manager:
 * status is written by the tests (see controller-stand-in.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiEndpoint } from './api-request.js';
import { writeServerCredentials } from './credentials.js';
import { envtestBinaries } from './envtest-binaries.js';
import { defaultCrdFiles, installCrds } from './install-crds.js';
import { writeKubeconfig } from './kubeconfig.js';
import { prepareSystemNamespaces } from './namespaces.js';
import { requestServiceAccountToken } from './service-account-token.js';
import { startEtcd } from './start-etcd.js';
import { startKubeApiserver } from './start-kube-apiserver.js';

/** A running test API server. */
export interface RealApiServer {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** The CA that signed the serving certificate. */
  readonly caPem: string;
  /** Static token of a system:masters user. */
  readonly adminToken: string;
  /** Path of the kubectl built with the server (same release). */
  readonly kubectl: string;
  /** Writes a kubeconfig (the admin's token unless `token`) and returns its path. */
  kubeconfig(opts?: { token?: string; namespace?: string }): Promise<string>;
  /**
   * The server's own serving certificate chain and key (valid for 127.0.0.1, signed by {@link caPem}): a
   * loopback admission webhook serves them so that the server trusts it.
   */
  servingKeyPair(): Promise<{ readonly cert: string; readonly key: string }>;
  /** A token of an existing ServiceAccount (TokenRequest API). */
  serviceAccountToken(namespace: string, name: string): Promise<string>;
  /** Stops kube-apiserver and etcd (their process groups) and removes the temp folder. */
  stop(): Promise<void>;
}

/** What to start the server with. */
export interface RealApiServerOptions {
  /** CRD files to install besides the default ones (crds/ and the stand-ins of real-api/crds/). */
  readonly crdFiles?: readonly string[];
}

/** The server as the admin: URL, CA and the admin's token, for raw requests. */
export function adminEndpoint(server: RealApiServer): ApiEndpoint {
  return { url: server.url, caPem: server.caPem, token: server.adminToken };
}

/** Starts etcd and kube-apiserver, installs the CRDs and prepares the system namespaces. */
export async function startRealApiServer(opts: RealApiServerOptions = {}): Promise<RealApiServer> {
  const bins = envtestBinaries();
  const dir = await mkdtemp(join(tmpdir(), 'tsm-real-api-'));
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s();
    stops.length = 0;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const creds = await writeServerCredentials(dir);
    const etcd = await startEtcd(bins.etcd, dir);
    stops.push(() => etcd.process.stop());
    const apiserver = await startKubeApiserver(bins.kubeApiserver, dir, etcd.url, creds);
    stops.push(() => apiserver.process.stop());
    const endpoint = apiserver.endpoint;
    await installCrds(endpoint, [...defaultCrdFiles(), ...(opts.crdFiles ?? [])]);
    await prepareSystemNamespaces(endpoint);
    return {
      url: endpoint.url,
      caPem: endpoint.caPem,
      adminToken: creds.adminToken,
      kubectl: bins.kubectl,
      kubeconfig: (o = {}) => writeKubeconfig(dir, { url: endpoint.url, caPem: endpoint.caPem, token: o.token ?? creds.adminToken, namespace: o.namespace }),
      servingKeyPair: async () => ({ cert: await readFile(join(apiserver.certDir, 'apiserver.crt'), 'utf8'), key: await readFile(join(apiserver.certDir, 'apiserver.key'), 'utf8') }),
      serviceAccountToken: (namespace, name) => requestServiceAccountToken(endpoint, namespace, name),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
