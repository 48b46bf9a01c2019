/**
 * A loopback container registry speaking the parts of the Docker Registry HTTP API v2 that
 * charts/scripts/check-images.sh uses: manifests and blobs under `/v2/`, guarded by the Bearer token
 * challenge real registries (registry.redhat.io, quay.io) answer with, and a token endpoint that takes the
 * pull secret's Basic credentials. The documents are the saved JSON files of test/fixtures/registry/.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'registry');

/** One document the registry serves. */
interface Served {
  readonly mediaType: string;
  readonly body: string;
}

/** A started registry. */
export interface FakeRegistry {
  /** `127.0.0.1:<port>`: the registry host of image references. */
  readonly host: string;
  /** Requests received, `METHOD path`, for assertions on what the script asked. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** A saved registry document. */
export function registryFixture(file: string): string {
  return readFileSync(join(FIXTURES, file), 'utf8');
}

/**
 * Starts the registry. `manifests` maps `<repository>:<tag>` to a fixture file; `blobs` maps a digest to
 * one. Pulls need a token, which the token endpoint issues for `user:password`.
 */
export async function startFakeRegistry(options: {
  readonly manifests: Readonly<Record<string, string>>;
  readonly blobs?: Readonly<Record<string, string>>;
  readonly user: string;
  readonly password: string;
}): Promise<FakeRegistry> {
  const token = 'fake-registry-token-9c1e';
  const requests: string[] = [];
  const load = (file: string): Served => {
    const body = registryFixture(file);
    return { body, mediaType: (JSON.parse(body) as { mediaType?: string }).mediaType ?? 'application/octet-stream' };
  };
  let realm = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://registry');
    requests.push(`${req.method} ${url.pathname}`);
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(body);
    };
    if (url.pathname === '/token') {
      const expected = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) return send(401, '{"errors":[{"code":"UNAUTHORIZED"}]}');
      return send(200, JSON.stringify({ token, expires_in: 300 }));
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!m) return send(404, '{"errors":[{"code":"NOT_FOUND"}]}');
    if (req.headers.authorization !== `Bearer ${token}`) {
      return send(401, '{"errors":[{"code":"UNAUTHORIZED"}]}', { 'WWW-Authenticate': `Bearer realm="${realm}",service="fake-registry",scope="repository:${m[1]}:pull"` });
    }
    const [, repo, what, reference] = m;
    const file = what === 'manifests' ? options.manifests[`${repo}:${reference}`] : options.blobs?.[reference!];
    if (!file) return send(404, '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    const doc = load(file);
    return send(200, doc.body, { 'Content-Type': doc.mediaType });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  realm = `http://127.0.0.1:${port}/token`;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
