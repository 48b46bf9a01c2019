/**
 * The built CLI (bin/threescale-migrate.js, the bundles of build/cli/) through a kubeconfig's `proxy-url`: the
 * bundle loads client-node's proxy agents on first use (build-tools/bundle-cli.mjs, LAZY_FOR_KUBECONFIG), so
 * these runs check that the stand-ins construct the real agents. Each proxy here only records how the
 * client greeted it and closes the connection: the command then fails, naming the cluster, with exit 2.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { tempDir } from '../e2e/harness.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'postgresql-and-redis', 'migration.yaml');
/** No API server listens there: only the proxy is ever reached. */
const CLUSTER = 'https://127.0.0.1:1';

/** Runs the built CLI as a child process (asynchronously: the proxies answer from this process). */
function runBuiltCli(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'threescale-migrate.js'), ...args], { cwd: ROOT, env: { ...process.env, THREESCALE_MIGRATE_CACHE_DIR: 'off' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** A kubeconfig whose one cluster is reached through `proxyUrl`. */
function kubeconfigThrough(dir: string, proxyUrl: string): string {
  const path = join(dir, `kubeconfig-${encodeURIComponent(proxyUrl)}.yaml`);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: c\n  cluster:\n    server: ${CLUSTER}\n    proxy-url: ${proxyUrl}\n    insecure-skip-tls-verify: true`,
      'users:',
      '- name: u\n  user:\n    token: not-a-real-token',
      'contexts:',
      '- name: ctx\n  context:\n    cluster: c\n    user: u\n    namespace: 3scale',
      'current-context: ctx',
      '',
    ].join('\n'),
  );
  return path;
}

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('the built CLI through a kubeconfig proxy-url', () => {
  const tmp = tempDir('cli-proxy');
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
    tmp.remove();
  });

  test('GIVEN an http:// proxy-url WHEN diff runs THEN the API server is asked for through an HTTP CONNECT to the proxy, and the failure names the cluster with exit 2', async () => {
    // GIVEN a proxy that records each CONNECT and refuses it
    const connects: string[] = [];
    const proxy = createHttpServer();
    proxy.on('connect', (req, socket) => {
      connects.push(`${req.method} ${req.url}`);
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    });
    servers.push(proxy);
    const port = await listening(proxy);
    // WHEN
    const run = await runBuiltCli(['diff', '-c', EXAMPLE, '--phase', 'scale-down', '--kubeconfig', kubeconfigThrough(tmp.dir, `http://127.0.0.1:${port}`)]);
    // THEN
    expect(connects.length).toBeGreaterThan(0);
    expect(new Set(connects)).toEqual(new Set(['CONNECT 127.0.0.1:1']));
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: cannot .* https:\/\/127\.0\.0\.1:1\b/);
  });

  test('GIVEN a socks5:// proxy-url WHEN diff runs THEN the client greets the proxy in SOCKS version 5, and the failure names the cluster with exit 2', async () => {
    // GIVEN a proxy that records the first byte each client sends and hangs up
    const greetings: number[] = [];
    const proxy = createTcpServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        greetings.push(chunk[0]!);
        socket.destroy();
      });
    });
    servers.push(proxy);
    const port = await listening(proxy);
    // WHEN
    const run = await runBuiltCli(['diff', '-c', EXAMPLE, '--phase', 'scale-down', '--kubeconfig', kubeconfigThrough(tmp.dir, `socks5://127.0.0.1:${port}`)]);
    // THEN
    expect(greetings.length).toBeGreaterThan(0);
    expect(new Set(greetings)).toEqual(new Set([5]));
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: cannot .* https:\/\/127\.0\.0\.1:1\b/);
  });
});
