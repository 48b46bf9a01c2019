/**
 * Specification of masking by value (src/redact/redactor.ts and the per-run session of session.ts).
 */
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';
import { cutWithoutSplittingSecrets, endRedactionSession, protectText, redactText, rememberSecretValues, startRedactionSession } from '../../src/redact/session.js';

const redactor = (...values: string[]) => {
  const r = new Redactor();
  for (const v of values) r.add(Buffer.from(v, 'utf8'));
  return r;
};

describe('Redactor', () => {
  it('GIVEN two secrets WHEN text holds them THEN each is masked, numbered by first appearance, equal ones alike', () => {
    const r = redactor('zzz-second-secret', 'aaa-first-secret');
    expect(r.text('requirepass zzz-second-secret\nauth aaa-first-secret again zzz-second-secret')).toBe('requirepass <secret-1>\nauth <secret-2> again <secret-1>');
  });

  it('GIVEN the same secrets added in another order WHEN the same text is masked THEN the output is the same byte for byte', () => {
    const text = 'x=Alpha-Secret-1 y=Beta-Secret-22 z=Alpha-Secret-1';
    expect(redactor('Alpha-Secret-1', 'Beta-Secret-22').text(text)).toBe(redactor('Beta-Secret-22', 'Alpha-Secret-1').text(text));
  });

  it('GIVEN two secrets that overlap in the text WHEN masked THEN one mask covers both, no character of either shows', () => {
    const r = redactor('xxxxxxxx1234', '1234yyyyyyyy');
    expect(r.text('[xxxxxxxx1234yyyyyyyy]')).toBe('[<secret-1>]');
  });

  it('GIVEN a secret WHEN its base64 and URL-encoded forms appear THEN they share its mask', () => {
    const r = redactor('Pa ss/word-9');
    expect(r.text(`${Buffer.from('Pa ss/word-9').toString('base64')} ${encodeURIComponent('Pa ss/word-9')} Pa ss/word-9`)).toBe('<secret-1> <secret-1> <secret-1>');
  });

  it('GIVEN a JSON value WHEN masked THEN strings, keys and numbers holding a secret are masked and the rest is kept as is', () => {
    const r = redactor('12345678901', 'key-secret-x');
    expect(r.json({ a: 'v key-secret-x', 'key-secret-x': 1, n: 12345678901, ok: true, nil: null, list: [2, 'plain'] })).toEqual({
      a: 'v <secret-1>',
      '<secret-1>': 1,
      n: '<secret-2>',
      ok: true,
      nil: null,
      list: [2, 'plain'],
    });
  });

  it('GIVEN a secret that looks like JSON syntax WHEN a document is masked as a value and then rendered THEN the document still parses', () => {
    const r = redactor('","kind":"x');
    const masked = r.json({ data: { conf: 'a","kind":"x' } });
    expect(JSON.parse(JSON.stringify(masked))).toEqual({ data: { conf: 'a<secret-1>' } });
  });

  it('GIVEN no secrets WHEN masking THEN text and JSON come back unchanged', () => {
    const r = new Redactor();
    expect(r.text('anything')).toBe('anything');
    const doc = { a: 'b' };
    expect(r.json(doc)).toBe(doc);
  });

  it('GIVEN many secrets WHEN masking a long text THEN each occurrence is found', () => {
    const values = Array.from({ length: 2000 }, (_, i) => `secret-value-${String(i).padStart(5, '0')}`);
    const r = redactor(...values);
    const text = values.filter((_, i) => i % 97 === 0).join(' filler ');
    expect(r.text(text)).not.toMatch(/secret-value-/);
  });
});

describe('redaction session', () => {
  it('GIVEN a cut that would fall inside a secret WHEN cut THEN the cut moves before the secret, which is then masked whole', () => {
    startRedactionSession();
    rememberSecretValues([Buffer.from('Hidden-Value-77')]);
    const line = `${'x'.repeat(20)} Hidden-Value-77 tail`;
    const cut = cutWithoutSplittingSecrets(line, 28);
    expect(cut).toBe(`${'x'.repeat(20)} …`);
    expect(cut).not.toContain('Hidden');
    expect(cutWithoutSplittingSecrets('short', 28)).toBe('short');
    endRedactionSession();
  });

  it('GIVEN a new session WHEN text is masked THEN the secrets of the earlier session are forgotten and numbering starts again', () => {
    startRedactionSession();
    rememberSecretValues([Buffer.from('First-Run-Secret')]);
    expect(redactText('First-Run-Secret')).toBe('<secret-1>');
    startRedactionSession();
    expect(redactText('First-Run-Secret')).toBe('First-Run-Secret');
    endRedactionSession();
  });

  it('GIVEN no session (library calls outside the CLI) WHEN secrets are handed over and text masked THEN nothing is remembered and text comes back as is', () => {
    endRedactionSession();
    rememberSecretValues([Buffer.from('Outside-Any-Run-1')]);
    expect(redactText('Outside-Any-Run-1')).toBe('Outside-Any-Run-1');
    expect(protectText('Outside-Any-Run-1')).toBe('Outside-Any-Run-1');
  });
});

describe('protected text', () => {
  it('GIVEN a log rule that stops at a comma WHEN it runs on protected text THEN no part of the value is left, and printing masks the token', () => {
    const r = redactor('=\t"T#h.C2#Z,Z+n7');
    const protectedLine = r.protect('password =\t"T#h.C2#Z,Z+n7)');
    // a rule like mask-log-line's `password=…`, which stops at the comma
    const ruled = protectedLine.replace(/(password\s*[:=]\s*)([^\s,]+)/, '$1++++++++');
    expect(ruled).not.toContain('Z+n7');
    expect(r.text(`${r.protect('see =\t"T#h.C2#Z,Z+n7')} and ${ruled}`)).toBe('see <secret-1> and password <secret-1>)');
  });

  it('GIVEN two texts holding different forms of one secret WHEN protected THEN they stay different, and equal texts stay equal', () => {
    const r = redactor('Some-Secret-Value');
    const raw = r.protect('x Some-Secret-Value');
    const encoded = r.protect(`x ${Buffer.from('Some-Secret-Value').toString('base64')}`);
    expect(raw).not.toBe(encoded);
    expect(r.protect('x Some-Secret-Value')).toBe(raw);
    expect(r.text(raw)).toBe(r.text(encoded));
  });

  it('GIVEN a record cut by its script inside a secret WHEN protected as cut text THEN the secret\'s start is masked, and a text that merely ends like one is not', () => {
    const r = redactor('Abcdefgh-12345-xyz');
    expect(r.text(r.protectCut('copy failed: login as Abcdefgh-123'))).toBe('copy failed: login as <secret-1>');
    // shorter than 8 characters: no longer recognizable, left as is (the documented minimum)
    expect(r.text(r.protectCut('copy failed: Abcdefg'))).toBe('copy failed: Abcdefg');
    expect(r.text(r.protectCut('whole Abcdefgh-12345-xyz here'))).toBe('whole <secret-1> here');
  });

  it('GIVEN a JSON value WHEN protected without keys THEN keys are kept and values tokenized', () => {
    const r = redactor('Key-Secret-Value');
    const out = r.protectJson({ 'Key-Secret-Value': 'Key-Secret-Value' }, false) as Record<string, string>;
    expect(Object.keys(out)).toEqual(['Key-Secret-Value']);
    expect(out['Key-Secret-Value']).toMatch(/^⟦s[0-9a-f]{16}⟧$/);
  });

  it('GIVEN a cut inside a token WHEN cut THEN the token is kept whole or left out', () => {
    startRedactionSession();
    rememberSecretValues([Buffer.from('Token-Cut-Secret')]);
    const line = `${'y'.repeat(10)} ${protectText('Token-Cut-Secret')} end`;
    expect(cutWithoutSplittingSecrets(line, 13)).toBe(`${'y'.repeat(10)} …`);
    endRedactionSession();
  });
});
