import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareObjects, renderChangesText } from '../../src/diff/compare-objects.js';
import type { JsonObject, KubeObject } from '../../src/diff/json.js';
import { isMask, maskObject, maskObjects, maskUrlPasswords, SecretMasker } from '../../src/diff/mask-secrets.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

function secret(data: JsonObject, stringData?: JsonObject): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'system-database' }, data, ...(stringData ? { stringData } : {}) };
}

describe('mask-secrets', () => {
  it('gives equal secrets equal masks and different secrets longer ones, revealing no length (Argo CD HideSecretData)', () => {
    // GIVEN one masker and three values, two of them equal
    const masker = new SecretMasker();
    // WHEN masked in turn
    const first = masker.maskText('a-very-long-password-indeed');
    const second = masker.maskText('x');
    const again = masker.maskText('a-very-long-password-indeed');
    // THEN 8 plus signs, then 12, and the repeated value gets its first mask back
    expect(first).toBe('++++++++');
    expect(second).toBe('++++++++++++');
    expect(again).toBe(first);
    expect(masker.size).toBe(2);
    expect(isMask(first)).toBe(true);
    expect(isMask('+')).toBe(false);
  });

  it('masks Secret data and stringData, matching a stringData value with the same data bytes', () => {
    // GIVEN a desired Secret with stringData and a live Secret with the same value in data
    const desired = secret({}, { PASSWORD: 'hunter22' });
    const live = secret({ PASSWORD: b64('hunter22'), OTHER: b64('other-value') });
    // WHEN both are masked with one masker
    const [d, l] = maskObjects([desired, live]);
    // THEN values are masks, and the same secret has the same mask on both sides
    expect((d?.['stringData'] as JsonObject)['PASSWORD']).toBe('++++++++');
    expect((l?.['data'] as JsonObject)['PASSWORD']).toBe('++++++++');
    expect((l?.['data'] as JsonObject)['OTHER']).toBe('++++++++++++');
    expect(JSON.stringify([d, l])).not.toMatch(/hunter22|aHVudGVyMjI|other-value/);
  });

  it('masks last-applied-configuration and kapp original annotations of a Secret entirely (kubectl --prune gap)', () => {
    // GIVEN a Secret whose bookkeeping annotations embed the whole Secret
    const obj = secret({ PASSWORD: b64('pw-in-annotation') });
    (obj['metadata'] as JsonObject)['annotations'] = {
      'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(secret({ PASSWORD: b64('pw-in-annotation') })),
      'kapp.k14s.io/original': JSON.stringify({ kind: 'Secret', stringData: { PASSWORD: 'pw-in-annotation' } }),
    };
    // WHEN masked
    const out = maskObject(obj, new SecretMasker());
    // THEN the annotations are masks
    const annotations = (out['metadata'] as JsonObject)['annotations'] as JsonObject;
    expect(isMask(annotations['kubectl.kubernetes.io/last-applied-configuration'])).toBe(true);
    expect(isMask(annotations['kapp.k14s.io/original'])).toBe(true);
    expect(JSON.stringify(out)).not.toContain('pw-in-annotation');
  });

  it('masks secrets inside the last-applied annotation of other kinds, keeping the rest readable', () => {
    // GIVEN a Deployment whose last-applied copy carries a literal password env value
    const dep: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'system-mysql' },
      spec: { template: { spec: { containers: [{ name: 'mysql', env: [{ name: 'MYSQL_ROOT_PASSWORD', value: 'root-pw' }] }] } } },
    };
    (dep['metadata'] as JsonObject)['annotations'] = { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(dep) };
    // WHEN masked
    const out = maskObject(dep, new SecretMasker());
    // THEN the embedded copy is still JSON, with the env value masked
    const embedded = JSON.parse(((out['metadata'] as JsonObject)['annotations'] as JsonObject)['kubectl.kubernetes.io/last-applied-configuration'] as string);
    expect(embedded.metadata.name).toBe('system-mysql');
    expect(JSON.stringify(out)).not.toContain('root-pw');
  });

  it('masks literal values of sensitive env vars like 3scale system-mysql MYSQL_ROOT_PASSWORD, not ordinary ones', () => {
    // GIVEN env entries with sensitive and ordinary names, and a valueFrom reference
    const dep: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'system-mysql' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'system-mysql',
                env: [
                  { name: 'MYSQL_ROOT_PASSWORD', value: 'p4ss' },
                  { name: 'SECRET_KEY_BASE', value: 'kb' },
                  { name: 'APICAST_ACCESS_TOKEN', value: 'tok' },
                  { name: 'MYSQL_USER', value: 'mysql' },
                  { name: 'MYSQL_PASSWORD', valueFrom: { secretKeyRef: { name: 'system-database', key: 'DB_PASSWORD' } } },
                ],
              },
            ],
          },
        },
      },
    };
    // WHEN masked
    const out = maskObject(dep, new SecretMasker());
    // THEN only the literal sensitive values are masks
    const env = (((((out['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject)['containers'] as JsonObject[])[0] as JsonObject)['env'] as JsonObject[];
    expect(env.map((e) => e['value'])).toEqual(['++++++++', '++++++++++++', '++++++++++++++++', 'mysql', undefined]);
    expect(env[4]).toEqual({ name: 'MYSQL_PASSWORD', valueFrom: { secretKeyRef: { name: 'system-database', key: 'DB_PASSWORD' } } });
  });

  it('masks URL passwords anywhere, keeping scheme, user and host (argo-cd#16193: never in output)', () => {
    // GIVEN connection URLs in text
    const masker = new SecretMasker();
    // WHEN masked
    // THEN only the password part becomes a mask
    expect(maskUrlPasswords('mysql2://root:pw@system-mysql/system', masker)).toBe('mysql2://root:++++++++@system-mysql/system');
    expect(maskUrlPasswords('redis://:redis-pw@backend-redis:6379/0', masker)).toBe('redis://:++++++++++++@backend-redis:6379/0');
    expect(maskUrlPasswords('url: postgresql://u:p@ss@db:5432/x and more', masker)).toBe('url: postgresql://u:++++++++++++++++@db:5432/x and more');
    expect(maskUrlPasswords('mysql2://root@system-mysql/system', masker)).toBe('mysql2://root@system-mysql/system');
    // Passwords pasted without percent-encoding: masked up to the last @ of the word.
    expect(maskUrlPasswords('redis://:a/b?c#d@e@backend-redis:6379', masker)).toBe('redis://:++++++++++++++++++++@backend-redis:6379');
    expect(maskUrlPasswords('https://example.com/a:b@c', masker)).toBe('https://example.com/a:b@c');
  });

  it('masks configured sensitive annotations entirely', () => {
    // GIVEN an annotation named sensitive by the caller
    const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { 'example.com/token': 'abcd', other: 'plain' } } };
    // WHEN masked with that key configured
    const out = maskObject(obj, new SecretMasker(), { sensitiveAnnotations: ['example.com/token'] });
    // THEN it is a mask and others are untouched
    expect((out['metadata'] as JsonObject)['annotations']).toEqual({ 'example.com/token': '++++++++', other: 'plain' });
  });

  it('never mutates its input', () => {
    // GIVEN a frozen Secret
    const obj = Object.freeze(secret(Object.freeze({ A: b64('x') }) as JsonObject));
    // WHEN masked
    // THEN no write happened (frozen objects throw on write)
    expect(() => maskObject(obj, new SecretMasker())).not.toThrow();
    expect((obj['data'] as JsonObject)['A']).toBe(b64('x'));
  });

  describe('property: no generated secret value ever appears in a comparison result', () => {
    /** Desired and live objects of one comparison, with secrets in every place that must be masked. */
    function fixtures(s: readonly string[]): [KubeObject, KubeObject][] {
      const [s0, s1, s2, s3, s4, s5] = s as [string, string, string, string, string, string];
      const dep = (pw: string, url: string): KubeObject => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'system-mysql', annotations: { 'example.com/api-key': pw } },
        spec: {
          selector: { matchLabels: { deployment: 'system-mysql' } },
          template: {
            spec: {
              containers: [
                {
                  name: 'system-mysql',
                  image: 'mysql:8',
                  env: [
                    { name: 'MYSQL_ROOT_PASSWORD', value: pw },
                    { name: 'DATABASE_URL', value: url },
                  ],
                },
              ],
            },
          },
        },
      });
      const sec = (a: string, b: string): KubeObject => ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'system-database',
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ kind: 'Secret', stringData: { PASSWORD: a } }) },
        },
        data: { PASSWORD: b64(a) },
        stringData: { URL: `mysql2://root:${b}@system-mysql/system` },
      });
      const cm = (pw: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'database.yml': `url: postgresql://system:${pw}@db:5432/system\n` } });
      return [
        [dep(s0, `mysql2://root:${s1}@system-mysql/system`), dep(s2, `mysql2://root:${s3}@system-mysql/system`)],
        [sec(s0, s1), { ...sec(s2, s3), stringData: undefined, data: { PASSWORD: b64(s2), URL: b64(`mysql2://root:${s3}@h/d`) } } as unknown as KubeObject],
        [cm(s4), cm(s5)],
        [sec(s4, s5), secret({ EXTRA: b64(s5) })],
      ];
    }

    function render(values: readonly string[]): string {
      return fixtures(values)
        .map(([desired, live]) => {
          const result = compareObjects(desired, live, { mode: 'offline', ownedFieldsOnly: false, mask: { sensitiveAnnotations: ['example.com/api-key'] } });
          return `${JSON.stringify(result)}\n${renderChangesText(result.changes, { color: false })}`;
        })
        .join('\n');
    }

    // Everything the output contains besides secret values; a secret that happens to be a substring of it
    // (say "spec") cannot be told apart from structure and is skipped.
    const vocabulary = render(['#0', '#1', '#2', '#3', '#4', '#5']);

    it('holds for random secrets of 4+ characters', () => {
      const secretValue = fc.stringMatching(/^[A-Za-z0-9!$%&*.:;=?^_~@#/-]{4,24}$/).filter((s) => !vocabulary.includes(s) && !vocabulary.includes(b64(s)));
      fc.assert(
        fc.property(fc.array(secretValue, { minLength: 6, maxLength: 6 }), (values) => {
          // GIVEN desired and live objects carrying random secrets in data, stringData, env, URLs, annotations
          // WHEN compared and rendered
          const out = render(values);
          // THEN no secret, raw or base64-encoded, appears anywhere
          for (const value of values) {
            expect(out).not.toContain(value);
            expect(out).not.toContain(b64(value));
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});
