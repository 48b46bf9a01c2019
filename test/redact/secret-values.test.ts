/**
 * Specification of which values count as secret (src/redact/secret-values.ts).
 */
import { describe, expect, it } from 'vitest';
import { secretValuesOf } from '../../src/redact/secret-values.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const texts = (objects: unknown[]) => secretValuesOf(objects).map((b) => b.toString('utf8'));

describe('secretValuesOf', () => {
  it('GIVEN a Secret WHEN read THEN every data value (decoded) and stringData value counts, whatever its key', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { harmless: b64('value-one'), URL: b64('redis://:pw@h') }, stringData: { other: 'value-two' } };
    expect(texts([secret])).toEqual(['value-one', 'redis://:pw@h', 'value-two']);
  });

  it('GIVEN a ConfigMap and a Pod WHEN read THEN nothing counts (their values are masked only when equal to a Secret value)', () => {
    expect(secretValuesOf([{ kind: 'ConfigMap', data: { a: 'requirepass x' } }, { kind: 'Pod', spec: {} }])).toEqual([]);
  });

  it('GIVEN a List of Secrets (an export) WHEN read THEN its items count', () => {
    expect(texts([{ kind: 'List', items: [{ kind: 'Secret', data: { k: b64('listed-value') } }] }])).toEqual(['listed-value']);
  });

  it('GIVEN a Secret whose last-applied annotation holds an older value WHEN read THEN the older value counts too', () => {
    const older = JSON.stringify({ kind: 'Secret', data: { pw: b64('older-password') } });
    const secret = { kind: 'Secret', metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': older } }, data: { pw: b64('newer-password') } };
    expect(texts([secret])).toEqual(['newer-password', 'older-password']);
  });

  it('GIVEN a data value that is not base64 or a non-string value WHEN read THEN it counts as written', () => {
    const values = texts([{ kind: 'Secret', data: { bad: 'not base64!', odd: 12345678, nested: { a: 'b' } }, stringData: { n: 87654321 } }]);
    expect(values).toEqual(expect.arrayContaining(['not base64!', '12345678', '{"a":"b"}', '87654321']));
  });
});
