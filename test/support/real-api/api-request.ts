/**
 * Raw HTTPS requests to the real API server, for the harness and the tests that compare answers: the status
 * code and the parsed JSON body, nothing interpreted.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Where and as whom to send a request (`caPem` empty for an http:// server). */
export interface ApiEndpoint {
  readonly url: string;
  readonly caPem: string;
  readonly token: string;
}

/** One answer of the server. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** What to send. */
export interface ApiCall {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  /** Content-Type of the body; JSON by default (`application/apply-patch+yaml` for server-side apply). */
  readonly contentType?: string;
}

/** Sends one request and resolves with the answer (any status); rejects only when the connection fails. */
export function apiRequest(endpoint: ApiEndpoint, call: ApiCall): Promise<ApiAnswer> {
  const payload = call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  const headers: Record<string, string> = { Authorization: `Bearer ${endpoint.token}`, Accept: 'application/json' };
  if (payload !== undefined) headers['Content-Type'] = call.contentType ?? 'application/json';
  return new Promise((resolve, reject) => {
    const url = new URL(call.path, endpoint.url);
    // http:// only for the fake server the differential check compares with; the real one is always https.
    const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const req = request(url, { method: call.method, ca: endpoint.caPem || undefined, headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          // not JSON (e.g. /readyz answers "ok")
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${call.method} ${call.path}: no answer in 30s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Like {@link apiRequest}, but rejects unless the status is 2xx (the message names the call and the server's reason). */
export async function apiRequestOk(endpoint: ApiEndpoint, call: ApiCall): Promise<unknown> {
  const answer = await apiRequest(endpoint, call);
  if (answer.status < 200 || answer.status > 299) {
    const reason = (answer.body as { message?: string } | undefined)?.message ?? JSON.stringify(answer.body);
    throw new Error(`${call.method} ${call.path} answered ${answer.status}: ${reason}`);
  }
  return answer.body;
}
