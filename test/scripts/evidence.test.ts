/**
 * Specification of charts/scripts/lib/evidence.sh: the evidence record of a step, written to a file
 * and/or server-side applied to a ConfigMap through the Kubernetes API with curl. The API is a tiny
 * node:http server that records every request (method, path, query, content type, body) and keeps the
 * ConfigMap's data so that reads work too.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  checkBinaries,
  findBinary,
  REDIS_BINARIES,
  REDIS_PERSISTENCE_CONFIG,
  runScript,
  SCRIPTS_DIR,
  skipSuite,
  startRedis,
  failInCiIfMissing,
  type RedisServer,
} from '../support/db-servers.js';

interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.fake-sa-token.signature';
const CM = 'threescale-migrate-evidence';
const NS = '3scale';

describe('evidence.sh', () => {
  let api: Server;
  let apiUrl: string;
  let work: string;
  let tokenFile: string;
  const requests: RecordedRequest[] = [];
  let store: Record<string, string> | undefined; // the ConfigMap's data, undefined = not found
  let forcedStatus: number | undefined;
  let indented = false;

  beforeAll(async () => {
    if (!findBinary('curl')) throw new Error('curl is required (apt-get install -y curl)');
    work = await mkdtemp(join(tmpdir(), 'tsm-evidence-'));
    await mkdir(join(work, 'sa'));
    tokenFile = join(work, 'sa', 'token');
    await writeFile(tokenFile, TOKEN + '\n');
    await writeFile(join(work, 'sa', 'namespace'), NS);
    api = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        requests.push({
          method: req.method ?? '',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          contentType: req.headers['content-type'],
          authorization: req.headers.authorization,
          body,
        });
        const reply = (status: number, obj: unknown): void => {
          res.writeHead(status, { 'content-type': 'application/json' });
          // kube-apiserver indents its JSON for curl's User-Agent; `indented` plays that server.
          res.end(indented ? JSON.stringify(obj, null, 2) : JSON.stringify(obj));
        };
        if (forcedStatus) {
          reply(forcedStatus, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'configmaps "x" is forbidden: User "system:serviceaccount:3scale:job" cannot patch resource', code: forcedStatus });
          return;
        }
        // The annotation is a decoy: the same keys, JSON-escaped inside a string, must not be read.
        const lastApplied = JSON.stringify({ data: { 'pg-copy.phase': 'Decoy', 'verify.phase': 'Decoy', 'other.phase': 'Decoy' } });
        const cm = () => ({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: CM, namespace: NS, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } },
          data: store,
        });
        const target = /^\/api(?:s\/apps)?\/v1\/namespaces\/([^/]+)\/(persistentvolumeclaims|deployments)\/([^/]+)$/.exec(url.pathname);
        if (req.method === 'GET' && target) {
          // An object a step fills: known only under the name "filled", with an owner reference after its uid.
          if (target[3] !== 'filled') reply(404, { kind: 'Status', code: 404 });
          else reply(200, { kind: 'X', apiVersion: 'v1', metadata: { name: 'filled', namespace: target[1], uid: `uid-${target[2]}-1`, ownerReferences: [{ uid: 'owner-uid' }] } });
          return;
        }
        if (req.method === 'GET') {
          if (store === undefined) reply(404, { kind: 'Status', code: 404 });
          else reply(200, cm());
        } else if (req.method === 'PATCH') {
          const applied = parseYaml(body) as { data?: Record<string, string> };
          const created = store === undefined;
          store = { ...(store ?? {}), ...(applied.data ?? {}) };
          reply(created ? 201 : 200, cm());
        } else {
          reply(405, {});
        }
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()));
    const addr = api.address();
    apiUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });

  afterAll(async () => {
    await new Promise<void>((r) => (api ? api.close(() => r()) : r()));
    if (work) await rm(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    requests.length = 0;
    store = undefined;
    forcedStatus = undefined;
    indented = false;
  });

  /** Run a snippet with lib/common.sh + lib/evidence.sh sourced. */
  async function bashWithEvidence(snippet: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const script = `set -euo pipefail\n. "${SCRIPTS_DIR}/lib/common.sh"\n. "${SCRIPTS_DIR}/lib/evidence.sh"\n${snippet}\n`;
    return new Promise((res, rej) => {
      const child = spawn('bash', ['-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', rej);
      child.on('close', (code) => res({ code, stdout, stderr }));
    });
  }

  const kubeEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
    EVIDENCE_CONFIGMAP: CM,
    KUBE_API: apiUrl,
    KUBE_TOKEN_FILE: tokenFile,
    KUBE_CA: join(work, 'sa', 'ca.crt'), // absent: plain http test server
    ...extra,
  });

  it('GIVEN EVIDENCE_TARGETS naming the PVC and Deployment a step fills WHEN it writes its record THEN the record holds their uids, and a target it cannot read is left out with a warning', async () => {
    // GIVEN two readable targets and one that does not exist
    const targets = 'PersistentVolumeClaim/3scale-db/filled Deployment/3scale-db/filled PersistentVolumeClaim/3scale-db/missing';
    // WHEN
    const r = await bashWithEvidence(`evidence_init pg-copy; evidence_write Succeeded ${'a'.repeat(64)} "copied"`, kubeEnv({ EVIDENCE_TARGETS: targets }));
    // THEN
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('could not read PersistentVolumeClaim 3scale-db/missing for the evidence record (HTTP 404)');
    expect(requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /api/v1/namespaces/3scale-db/persistentvolumeclaims/filled',
      'GET /apis/apps/v1/namespaces/3scale-db/deployments/filled',
      'GET /api/v1/namespaces/3scale-db/persistentvolumeclaims/missing',
      `PATCH /api/v1/namespaces/${NS}/configmaps/${CM}`,
    ]);
    expect(store?.['pg-copy.targets']).toBe('PersistentVolumeClaim/3scale-db/filled=uid-persistentvolumeclaims-1,Deployment/3scale-db/filled=uid-deployments-1');
  });

  it('GIVEN an EVIDENCE_TARGETS entry of a kind it does not know WHEN the record is written THEN the step fails naming the entry', async () => {
    const r = await bashWithEvidence(`evidence_init pg-copy; evidence_write Succeeded x "copied"`, kubeEnv({ EVIDENCE_TARGETS: 'Secret/3scale/x' }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("EVIDENCE_TARGETS: unknown kind 'Secret' in 'Secret/3scale/x'");
  });

  it('server-side applies exactly the five step keys to the ConfigMap', async () => {
    // GIVEN a service account token, the namespace file next to it, an evidence ConfigMap name, and the plan
    // digest every synthesized Job carries
    // WHEN a step writes its record
    const r = await bashWithEvidence(`evidence_init pg-copy; evidence_write Succeeded ${'a'.repeat(64)} "copied 3 tables"`, kubeEnv({ JOB_SHA256: 'c'.repeat(64) }));
    expect(r.stderr).toContain('evidence: pg-copy.phase=Succeeded');
    expect(r.code).toBe(0);
    // THEN one apply request was made, shaped as the API server expects
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req.method).toBe('PATCH');
    expect(req.path).toBe(`/api/v1/namespaces/${NS}/configmaps/${CM}`);
    expect(req.query).toEqual({ fieldManager: 'threescale-migrate-job.pg-copy', force: 'true' });
    expect(req.contentType).toBe('application/apply-patch+yaml');
    expect(req.authorization).toBe(`Bearer ${TOKEN}`);
    // AND the body is a ConfigMap apply configuration with only the data keys of this step
    const body = parseYaml(req.body) as Record<string, unknown>;
    expect(body).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: CM, namespace: NS },
      data: {
        'pg-copy.phase': 'Succeeded',
        'pg-copy.inputsChecksum': 'a'.repeat(64),
        'pg-copy.jobSha256': 'c'.repeat(64),
        'pg-copy.finishedAt': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        'pg-copy.result': 'copied 3 tables',
      },
    });
  });

  it('GIVEN a record a rollback marked Undone WHEN a rerun confirms the copy (evidence_confirm) THEN one JSON merge patch sets exactly phase, jobSha256, finishedAt and result, and every other key of the record stays', async () => {
    // GIVEN the record as kube/retire-jobs.sh leaves it, with the keys of the copy that stands
    store = {
      'pg-copy.phase': 'Undone',
      'pg-copy.result': 'undone by rollback/05-cutover',
      'pg-copy.inputsChecksum': 'a'.repeat(64),
      'pg-copy.finishedAt': '2026-12-01T10:00:00Z',
      'pg-copy.sourceFingerprint': 'sha256:abcd',
      'pg-copy.targetBaseline': '742',
      'pg-copy.manifest': 'H4sIAAAA',
      'other.phase': 'Succeeded',
    };
    // WHEN
    const r = await bashWithEvidence(`evidence_init pg-copy; evidence_confirm 'already done "now"'`, kubeEnv({ JOB_SHA256: 'c'.repeat(64) }));
    expect(r.code, r.stderr).toBe(0);
    // THEN one merge patch under the step's manager (not a server-side apply, which would drop the copy keys it does not send)
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req).toMatchObject({ method: 'PATCH', path: `/api/v1/namespaces/${NS}/configmaps/${CM}`, contentType: 'application/merge-patch+json', query: { fieldManager: 'threescale-migrate-job.pg-copy' } });
    expect(JSON.parse(req.body)).toEqual({
      data: { 'pg-copy.phase': 'Succeeded', 'pg-copy.jobSha256': 'c'.repeat(64), 'pg-copy.finishedAt': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), 'pg-copy.result': 'already done now' },
    });
    // AND the record keeps its copy keys and the other steps' records
    expect(store).toMatchObject({ 'pg-copy.phase': 'Succeeded', 'pg-copy.sourceFingerprint': 'sha256:abcd', 'pg-copy.targetBaseline': '742', 'pg-copy.manifest': 'H4sIAAAA', 'pg-copy.inputsChecksum': 'a'.repeat(64), 'other.phase': 'Succeeded' });
  });

  it('GIVEN the API refuses the patch WHEN evidence_confirm runs THEN it fails with the API status message', async () => {
    store = { 'pg-copy.phase': 'Undone' };
    forcedStatus = 403;
    const r = await bashWithEvidence(`evidence_init pg-copy; evidence_confirm "already done" || echo "rc=$?"`, kubeEnv());
    expect(r.stdout).toContain('rc=1');
    expect(r.stderr).toContain('patching evidence ConfigMap 3scale/threescale-migrate-evidence failed (HTTP 403)');
  });

  it('records the source fingerprint and target baseline of a copy step in both sinks, reduced to safe characters', async () => {
    // GIVEN a copy step that set its fingerprint (with a character that would break the record) and baseline
    const file = join(work, 'copy.evidence');
    const snippet = `evidence_init pg-copy; EVIDENCE_SOURCE_FINGERPRINT='sha256:ab"cd'; EVIDENCE_TARGET_BASELINE=742; evidence_write Succeeded x done; echo "$(evidence_get sourceFingerprint)/$(evidence_get targetBaseline)"`;
    // WHEN it writes its record
    const r = await bashWithEvidence(snippet, kubeEnv({ EVIDENCE_FILE: file }));
    // THEN the file and the ConfigMap carry both keys, and the step reads them back
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('sha256:abcd/742\n');
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.filter((l) => /^pg-copy\.(sourceFingerprint|targetBaseline)=/.test(l))).toEqual(['pg-copy.sourceFingerprint=sha256:abcd', 'pg-copy.targetBaseline=742']);
    const body = parseYaml(requests.find((q) => q.method === 'PATCH')!.body) as { data: Record<string, string> };
    expect(body.data).toMatchObject({ 'pg-copy.sourceFingerprint': 'sha256:abcd', 'pg-copy.targetBaseline': '742' });
  });

  it('GIVEN a copy step with a manifest of a thousand tables WHEN it writes its record THEN both sinks hold it as one unpadded base64 line and a verify step reads it back byte for byte, from the file and from the ConfigMap', async () => {
    // GIVEN a manifest whose table names hold what would break a key=value line or JSON (quotes, =, backslash)
    const file = join(work, 'manifest.evidence');
    const manifest = join(work, 'manifest.txt');
    const lines = ['mode schema\tdump', ...Array.from({ length: 1000 }, (_, i) => `table public."t=${i}\\\\x" rows\t${i}`)];
    await writeFile(manifest, lines.join('\n') + '\n');
    const snippet = `. "${SCRIPTS_DIR}/lib/copy-manifest.sh"; evidence_init pg-copy; EVIDENCE_MANIFEST='${manifest}'; evidence_write Succeeded x done
      manifest_read pg-copy "${work}/from-file.txt"; EVIDENCE_FILE=; manifest_read pg-copy "${work}/from-configmap.txt"`;

    // WHEN
    const r = await bashWithEvidence(snippet, kubeEnv({ EVIDENCE_FILE: file }));

    // THEN
    expect(r.code, r.stderr).toBe(0);
    const recorded = (await readFile(file, 'utf8')).split('\n').filter((l) => l.startsWith('pg-copy.manifest='));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatch(/^pg-copy\.manifest=[A-Za-z0-9+/]+$/);
    expect(store!['pg-copy.manifest']).toBe(recorded[0]!.slice('pg-copy.manifest='.length));
    expect(await readFile(join(work, 'from-file.txt'), 'utf8')).toBe(await readFile(manifest, 'utf8'));
    expect(await readFile(join(work, 'from-configmap.txt'), 'utf8')).toBe(await readFile(manifest, 'utf8'));
  });

  it('GIVEN a record without a manifest, or a damaged one WHEN a verify step reads it THEN manifest_read fails', async () => {
    // GIVEN
    store = { 'pg-copy.phase': 'Succeeded', 'other.manifest': 'H4sI' };

    // WHEN
    const r = await bashWithEvidence(`. "${SCRIPTS_DIR}/lib/copy-manifest.sh"; manifest_read pg-copy "${work}/none.txt" && echo read || echo none; manifest_read other "${work}/bad.txt" && echo read || echo bad`, kubeEnv());

    // THEN
    expect(r.stdout).toBe('none\nbad\n');
  });

  it('never puts the token on a command line (curl gets it as a config on stdin)', async () => {
    // GIVEN a curl in PATH that logs its arguments before running the real one
    const shimDir = join(work, 'curl-shim');
    await mkdir(shimDir, { recursive: true });
    const argvLog = join(work, 'curl-argv.log');
    await writeFile(join(shimDir, 'curl'), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >>"${argvLog}"\nexec ${findBinary('curl')} "$@"\n`, { mode: 0o755 });
    // WHEN a step writes and reads its record
    const r = await bashWithEvidence(`evidence_init pg-copy; evidence_write Succeeded x ok; evidence_get phase >/dev/null`, {
      ...kubeEnv(),
      PATH: `${shimDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    });
    // THEN the API saw the token, but no curl command line contained it
    expect(r.code).toBe(0);
    expect(requests.map((q) => q.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    const argv = await readFile(argvLog, 'utf8');
    expect(argv.trim().split('\n')).toHaveLength(2);
    expect(argv).toContain('-K -');
    expect(argv).not.toContain(TOKEN);
  });

  it('reads the record back from the ConfigMap (for reruns), ignoring look-alikes in annotations', async () => {
    // GIVEN a ConfigMap holding records of two steps
    store = { 'pg-copy.phase': 'Succeeded', 'pg-copy.inputsChecksum': 'abc123', 'verify.phase': 'Failed' };
    // WHEN a step asks for its phase and checksum
    const r = await bashWithEvidence(`evidence_init pg-copy; echo "$(evidence_get phase)/$(evidence_get inputsChecksum)"; EVIDENCE_STEP=verify; echo "$(evidence_get phase)"; EVIDENCE_STEP=other; echo "[$(evidence_get phase)]"`, kubeEnv());
    // THEN it gets its own values, and nothing for an unknown step
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Succeeded/abc123\nFailed\n[]\n');
    expect(requests.every((q) => q.method === 'GET' && q.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('GIVEN kube-apiserver answering indented JSON (as it does for curl) WHEN a step reads its record and the uid of a target THEN it finds both, and still ignores look-alikes in annotations', async () => {
    // GIVEN
    indented = true;
    store = { 'pg-copy.phase': 'Succeeded', 'pg-copy.inputsChecksum': 'abc123' };
    // WHEN
    const r = await bashWithEvidence(`evidence_init pg-copy; echo "$(evidence_get phase)/$(evidence_get inputsChecksum)"; EVIDENCE_STEP=verify; echo "[$(evidence_get phase)]"; EVIDENCE_STEP=pg-copy; EVIDENCE_TARGETS=PersistentVolumeClaim/3scale-db/filled _evidence_targets`, kubeEnv());
    // THEN
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Succeeded/abc123\n[]\nPersistentVolumeClaim/3scale-db/filled=uid-persistentvolumeclaims-1');
  });

  it('records only hex digits of JOB_SHA256, so a hand-set value cannot break the record', async () => {
    // GIVEN a JOB_SHA256 with characters that would need escaping in a key=value line or JSON
    const file = join(work, 'digest.evidence');
    // WHEN the step writes its record
    const r = await bashWithEvidence(`evidence_init pg-copy; evidence_write Succeeded x done`, { EVIDENCE_FILE: file, JOB_SHA256: 'ab"c\\d\nef=01' });
    // THEN
    expect(r.code).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('\npg-copy.jobSha256=abcdef01\n');
  });

  it('keeps the records of other steps in the evidence file and replaces its own', async () => {
    // GIVEN an evidence file with records of another step and an old one of this step
    const file = join(work, 'shared.evidence');
    await writeFile(file, 'redis-copy-rdb.phase=Succeeded\nredis-copy-rdb.result=ok\npg-copy.phase=Running\npg-copy.inputsChecksum=old\n');
    // WHEN the step writes a new record
    const r = await bashWithEvidence(`evidence_init pg-copy; evidence_write Succeeded new "done"; echo "$(evidence_get inputsChecksum)"`, { EVIDENCE_FILE: file });
    // THEN the other step's lines are untouched and this step has exactly one current record
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('new\n');
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.slice(0, 2)).toEqual(['redis-copy-rdb.phase=Succeeded', 'redis-copy-rdb.result=ok']);
    expect(lines.filter((l) => l.startsWith('pg-copy.'))).toEqual([
      'pg-copy.phase=Succeeded',
      'pg-copy.inputsChecksum=new',
      'pg-copy.jobSha256=',
      expect.stringMatching(/^pg-copy\.finishedAt=\d{4}-/),
      'pg-copy.result=done',
    ]);
    expect(requests).toHaveLength(0);
  });

  it('skips the ConfigMap with a warning when there is no service account token', async () => {
    // GIVEN EVIDENCE_CONFIGMAP but no token file (e.g. automountServiceAccountToken: false)
    // WHEN a step writes its record
    const r = await bashWithEvidence(`evidence_init verify; evidence_write Succeeded x ok`, kubeEnv({ KUBE_TOKEN_FILE: join(work, 'nope', 'token') }));
    // THEN it succeeds without calling the API
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no service account token');
    expect(requests).toHaveLength(0);
  });

  it('fails with the API status message when the apply is refused (e.g. RBAC)', async () => {
    // GIVEN an API server that answers 403
    forcedStatus = 403;
    // WHEN a step writes its record
    const r = await bashWithEvidence(`evidence_init verify; evidence_write Succeeded x ok`, kubeEnv({ NAMESPACE: 'other-ns' }));
    // THEN evidence_write fails and says why; NAMESPACE from the environment wins over the file
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`applying evidence ConfigMap other-ns/${CM} failed (HTTP 403)`);
    expect(r.stderr).toContain('cannot patch resource');
    expect(requests[0].path).toBe(`/api/v1/namespaces/other-ns/configmaps/${CM}`);
    expect(r.stderr).not.toContain(TOKEN);
  });

  it('rejects step names that are not valid ConfigMap key prefixes', async () => {
    // GIVEN a bad EVIDENCE_STEP
    // WHEN the library initialises
    const r = await bashWithEvidence(`evidence_init pg-copy`, { EVIDENCE_STEP: 'bad step/name' });
    // THEN it stops with a clear message
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('EVIDENCE_STEP must match');
  });

  const redisBins = checkBinaries('redis', REDIS_BINARIES);
  describe.skipIf(skipSuite(redisBins))('end to end through a real script', () => {
    let redis: RedisServer;
    const PW = 'evidence-Redis-pw-5150';

    beforeAll(async () => {
      failInCiIfMissing(redisBins, 'redis');
      redis = await startRedis({ config: REDIS_PERSISTENCE_CONFIG, password: PW });
      await redis.cli(['SET', 'liveness-probe', 'x']);
    });

    afterAll(async () => {
      await redis?.destroy();
    });

    it('verify.sh with a Redis password applies its record, and no password is in the request', async () => {
      // GIVEN a password-protected Redis and the fake API
      // WHEN verify.sh runs with EVIDENCE_CONFIGMAP and a custom step name
      const r = await runScript('verify.sh', {
        DB_KIND: 'none',
        REDIS_ENDPOINTS: `system-redis=${redis.host}:${redis.port}`,
        REDIS_PASSWORD: PW,
        EVIDENCE_STEP: 'system-redis-verify',
        ...kubeEnv(),
      });
      // THEN it succeeded and applied one record under its step name
      expect(r.code).toBe(0);
      const patches = requests.filter((q) => q.method === 'PATCH');
      expect(patches).toHaveLength(1);
      expect(patches[0].query.fieldManager).toBe('threescale-migrate-job.system-redis-verify');
      expect(Object.keys((parseYaml(patches[0].body) as { data: object }).data).sort()).toEqual([
        'system-redis-verify.finishedAt',
        'system-redis-verify.inputsChecksum',
        'system-redis-verify.jobSha256',
        'system-redis-verify.phase',
        'system-redis-verify.result',
      ]);
      // AND the password appears nowhere: not in the body, the query or the logs
      for (const q of requests) expect(JSON.stringify(q)).not.toContain(PW);
      expect(r.stderr + r.stdout).not.toContain(PW);
    });
  });
});
