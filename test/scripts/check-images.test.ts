/**
 * Specification of charts/scripts/check-images.sh: from inside the cluster, every registry host resolves
 * and every image has a manifest for each node architecture. Run with bash and the real curl and getent
 * against a loopback registry serving saved manifest lists (test/support/fake-registry.ts).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../support/db-servers.js';
import { type FakeRegistry, startFakeRegistry } from '../support/fake-registry.js';

const USER = 'pull-user';
const PASSWORD = 'FakeRegistryPw-31ab';

describe('check-images.sh', () => {
  let registry: FakeRegistry;
  let work: string;
  let authFile: string;

  beforeAll(async () => {
    registry = await startFakeRegistry({
      manifests: {
        '3scale-amp2/backend-rhel8:3scale2.16': 'index-amd64-only.json',
        'rhel9/redis-7:latest': 'index-multi-arch.json',
        'openshift4/ose-cli:latest': 'manifest-single.json',
      },
      blobs: { 'sha256:5555555555555555555555555555555555555555555555555555555555555555': 'config-amd64.json' },
      user: USER,
      password: PASSWORD,
    });
    work = await mkdtemp(join(tmpdir(), 'tsm-check-images-'));
    authFile = join(work, 'config.json');
    await writeFile(authFile, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64'), email: '' } } }, null, 2));
  });

  afterAll(async () => {
    await registry?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const images = (...refs: string[]) => refs.map((r) => `${registry.host}/${r}`).join('\n');
  const run = async (env: Record<string, string>, evidence: string) => {
    const file = join(work, evidence);
    const r = await runScript('check-images.sh', { REGISTRY_SCHEME: 'http', REGISTRY_AUTH_FILE: authFile, EVIDENCE_FILE: file, ...env });
    return { ...r, evidence: await readFile(file, 'utf8').catch(() => '') };
  };

  it('GIVEN images on a reachable registry with amd64 manifests WHEN checked for amd64 THEN it passes and records Succeeded', async () => {
    // GIVEN a manifest list, an OCI index and a single-architecture image (architecture in its config blob)
    const env = { IMAGES: images('3scale-amp2/backend-rhel8:3scale2.16', 'rhel9/redis-7', 'openshift4/ose-cli:latest'), ARCHITECTURES: 'amd64' };

    // WHEN
    const r = await run(env, 'ok.env');

    // THEN
    expect(r.stderr).toContain('all checks passed');
    expect(r.code).toBe(0);
    expect(r.evidence).toContain('check-images.phase=Succeeded');
    expect(r.evidence).toContain('3 image(s) available for amd64');
    // AND the single-architecture image was judged by its config blob
    expect(registry.requests).toContain('GET /v2/openshift4/ose-cli/blobs/sha256:5555555555555555555555555555555555555555555555555555555555555555');
  });

  it('GIVEN arm64 nodes WHEN an image offers only linux/amd64 THEN it fails naming the image and what it offers (the report\'s "no matching manifest")', async () => {
    // GIVEN
    const env = { IMAGES: images('3scale-amp2/backend-rhel8:3scale2.16', 'rhel9/redis-7'), ARCHITECTURES: 'amd64 arm64' };

    // WHEN
    const r = await run(env, 'arch.env');

    // THEN only the amd64-only image fails
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${registry.host}/3scale-amp2/backend-rhel8:3scale2.16: no manifest for linux/arm64 (the image offers: amd64)`);
    expect(r.stderr).not.toContain('rhel9/redis-7: no manifest');
    expect(r.evidence).toContain('check-images.phase=Failed');
  });

  it('GIVEN a registry host the cluster DNS cannot resolve WHEN checked THEN it fails before any request, naming the host (the report\'s "no such host")', async () => {
    // GIVEN a name under .invalid, which never resolves (RFC 6761)
    const before = registry.requests.length;

    // WHEN
    const r = await run({ IMAGES: 'registry.invalid/3scale-amp2/backend-rhel8:3scale2.16' }, 'dns.env');

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('registry host registry.invalid does not resolve through the cluster\'s DNS');
    expect(registry.requests.length).toBe(before);
  });

  it('GIVEN a pull secret with the wrong password WHEN checked THEN the refusal is reported and no credential reaches the log', async () => {
    // GIVEN
    const wrong = join(work, 'wrong.json');
    await writeFile(wrong, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${USER}:not-the-password`).toString('base64') } } }));

    // WHEN
    const r = await runScript('check-images.sh', { REGISTRY_SCHEME: 'http', REGISTRY_AUTH_FILE: wrong, EVIDENCE_FILE: join(work, 'auth.env'), IMAGES: images('rhel9/redis-7') });

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the registry refused access (HTTP 401); check the pull secret');
    expect(r.stderr).not.toContain(Buffer.from(`${USER}:not-the-password`).toString('base64'));
    expect(r.stderr).not.toContain('fake-registry-token');
  });

  it('GIVEN an image the registry does not have WHEN checked THEN it fails with HTTP 404', async () => {
    // GIVEN / WHEN
    const r = await run({ IMAGES: images('3scale-amp2/system-rhel8:3scale2.16') }, 'missing.env');

    // THEN
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no such image in');
  });
});
