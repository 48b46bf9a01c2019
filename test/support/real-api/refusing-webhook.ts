/**
 * A validating admission webhook that refuses: a loopback HTTPS server (the API server's own serving
 * certificate, so the server trusts it) answering every AdmissionReview with `allowed: false` and the given
 * status, and the ValidatingWebhookConfiguration that sends it the UPDATEs of one object. Dry-runs go through
 * admission too (the webhook declares no side effects), so `diff` meets the refusal as a cluster's policy
 * engine or operator webhook would make it.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { apiRequestOk, type ApiEndpoint } from './api-request.js';
import type { RealApiServer } from './real-api-server.js';

/** What the webhook answers: the HTTP code, reason and message the API server passes on to the client. */
export interface Refusal {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
}

/** The object whose UPDATEs (and applies of an existing object) the webhook refuses. */
export interface RefusedObject {
  readonly group: string;
  readonly version: string;
  /** Plural resource name, e.g. `deployments`. */
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
}

/** Starts the webhook and registers it under `name`; the returned function unregisters it and stops the server. */
export async function refuseUpdates(server: RealApiServer, admin: ApiEndpoint, name: string, object: RefusedObject, refusal: Refusal): Promise<() => Promise<void>> {
  const { cert, key } = await server.servingKeyPair();
  const webhook = createServer({ cert, key }, (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const review = JSON.parse(body) as { request?: { uid?: string } };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request?.uid, allowed: false, status: refusal } }));
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const { port } = webhook.address() as AddressInfo;
  const configuration = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name },
    webhooks: [
      {
        name: `${name}.threescale-migrate.test`,
        clientConfig: { url: `https://127.0.0.1:${port}/validate`, caBundle: Buffer.from(server.caPem).toString('base64') },
        rules: [{ apiGroups: [object.group], apiVersions: [object.version], resources: [object.resource], operations: ['UPDATE'], scope: 'Namespaced' }],
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': object.namespace } },
        matchConditions: [{ name: 'the-object', expression: `object.metadata.name == ${JSON.stringify(object.name)}` }],
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        failurePolicy: 'Fail',
        timeoutSeconds: 10,
      },
    ],
  };
  const path = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations';
  await apiRequestOk(admin, { method: 'POST', path, body: configuration });
  return async () => {
    await apiRequestOk(admin, { method: 'DELETE', path: `${path}/${name}` });
    webhook.closeAllConnections();
    await new Promise<void>((resolve) => webhook.close(() => resolve()));
  };
}
