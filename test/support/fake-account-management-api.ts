/**
 * A loopback HTTP server answering the part of the 3scale Account Management API the template upgrade
 * uses (seed 2.9 step 1): `PUT /admin/api/services/{id}.json` with `access_token` and
 * `deployment_option` as form parameters, for one tenant. Its answers are shaped like 3scale's: the
 * service as JSON on success, 403 `Access denied` for a wrong token, 404 for an unknown service, 422 for a
 * deployment option outside the list. Only the token's validity is recorded, never the token.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake answered. */
export interface AdminApiRequest {
  readonly method: string;
  readonly path: string;
  /** Query string, as sent (a token there would be a leak into access logs). */
  readonly query: string;
  readonly contentType: string | undefined;
  /** Whether the body carried the expected access token. */
  readonly tokenAccepted: boolean;
  /** The form parameters other than the token. */
  readonly params: Readonly<Record<string, string>>;
}

/** A running fake tenant admin API. */
export interface FakeAccountManagementApi {
  /** `http://127.0.0.1:<port>`: what the plan's tenantUrl points at in tests. */
  readonly url: string;
  /** The services, by id, with their deployment option (changed by the PUTs). */
  readonly services: Map<number, { name: string; deployment_option: string }>;
  readonly requests: AdminApiRequest[];
  close(): Promise<void>;
}

const DEPLOYMENT_OPTIONS = ['hosted', 'self_managed'];

/** Starts the fake for a tenant whose valid access token is `token`, holding `services`. */
export async function startFakeAccountManagementApi(token: string, services: Record<number, { name: string; deployment_option: string }>): Promise<FakeAccountManagementApi> {
  const state = new Map(Object.entries(services).map(([id, s]) => [Number(id), { ...s }]));
  const requests: AdminApiRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const [path = '', query = ''] = (req.url ?? '').split('?', 2);
      const form = new URLSearchParams(req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? Buffer.concat(chunks).toString('utf8') : '');
      const tokenAccepted = form.get('access_token') === token;
      const params = Object.fromEntries([...form.entries()].filter(([k]) => k !== 'access_token'));
      requests.push({ method: req.method ?? '', path, query, contentType: req.headers['content-type'], tokenAccepted, params });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      const match = /^\/admin\/api\/services\/(\d+)\.json$/.exec(path);
      if (!match) return send(404, { status: 'Not found' });
      if (!tokenAccepted) return send(403, { error: 'Access denied' });
      if (req.method !== 'PUT') return send(405, { status: 'Method not allowed' });
      const service = state.get(Number(match[1]));
      if (!service) return send(404, { status: 'Not found' });
      const option = form.get('deployment_option');
      if (option !== null && !DEPLOYMENT_OPTIONS.includes(option)) return send(422, { errors: { deployment_option: ['is not included in the list'] } });
      if (option !== null) service.deployment_option = option;
      return send(200, { service: { id: Number(match[1]), ...service } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    services: state,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
