/**
 * Specification of the forms of a secret value that masking by value looks for (src/redact/secret-forms.ts).
 */
import { describe, expect, it } from 'vitest';
import { MIN_MASKED_LENGTH, secretForms } from '../../src/redact/secret-forms.js';

const forms = (text: string) => secretForms(Buffer.from(text, 'utf8'));

describe('secretForms', () => {
  it('GIVEN a password WHEN its forms are listed THEN they hold the text, its base64 (padded, unpadded, URL-safe) and its URL encodings', () => {
    const f = forms('p@ss w/rd+1');
    expect(f).toContain('p@ss w/rd+1');
    expect(f).toContain(Buffer.from('p@ss w/rd+1').toString('base64'));
    expect(f).toContain(Buffer.from('p@ss w/rd+1').toString('base64url'));
    expect(f).toContain(encodeURIComponent('p@ss w/rd+1'));
    expect(f).toContain('p%40ss+w%2Frd%2B1');
    expect(f).toContain('p%40ss%20w%2frd%2b1');
  });

  it('GIVEN a value with a quote, a backslash and a newline WHEN listed THEN its JSON-escaped spelling (how text output prints values) is a form', () => {
    expect(forms('a"b\\c\nd-long')).toContain('a\\"b\\\\c\\nd-long');
  });

  it('GIVEN a value with a trailing newline and inner white space runs WHEN listed THEN the trimmed and the collapsed text (how Events are printed) are forms', () => {
    const f = forms('  top  secret\tvalue\n');
    expect(f).toContain('top  secret\tvalue');
    expect(f).toContain('top secret value');
  });

  it('GIVEN a value with quotes and backslashes WHEN listed THEN the spelling the scripts record as evidence (without them) is a form', () => {
    expect(forms('a"b\\cdefgh-x')).toContain('abcdefgh-x');
  });

  it('GIVEN a value inside a longer base64 text at any byte offset WHEN listed THEN a form is found in that base64', () => {
    const secret = 'S3cr3t-Value-42';
    const f = forms(secret);
    for (const prefix of ['', 'u', 'us', 'use', 'user:']) {
      const blob = Buffer.from(`${prefix}${secret}@tail`).toString('base64');
      expect(f.some((form) => blob.includes(form)), `prefix "${prefix}"`).toBe(true);
    }
  });

  it('GIVEN a URL with user info WHEN listed THEN the password and the user name are forms, as written and decoded', () => {
    const f = forms('redis://cache-user:p%40ssw0rd-x@redis.example:6379/0');
    expect(f).toContain('p%40ssw0rd-x');
    expect(f).toContain('p@ssw0rd-x');
    expect(f).toContain('cache-user');
    expect(f).toContain(Buffer.from('p@ssw0rd-x').toString('base64'));
  });

  it('GIVEN a password holding "@" and "/" pasted unencoded into a URL WHEN listed THEN the whole password (up to the last "@") is a form', () => {
    expect(forms('postgresql://system:a/b@c#d-pw@db:5432/system')).toContain('a/b@c#d-pw');
  });

  it(`GIVEN values shorter than ${MIN_MASKED_LENGTH} characters (surrounding white space left out) WHEN listed THEN there is no form`, () => {
    expect(forms('admin')).toEqual([]);
    expect(forms('3scale')).toEqual([]);
    expect(forms('  abc  \n')).toEqual([]);
    expect(forms('')).toEqual([]);
    // Counted in characters, not bytes: seven letters of two bytes each stay short.
    expect(forms('ééééééé')).toEqual([]);
  });

  it('GIVEN a short user name in a URL WHEN listed THEN it is no form, the password still is', () => {
    const f = forms('mysql2://root:Long-Enough-pw@system-mysql/system');
    expect(f).not.toContain('root');
    expect(f).toContain('Long-Enough-pw');
  });

  it('GIVEN bytes that are not UTF-8 WHEN listed THEN only base64 forms are listed', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x10, 0x20, 0x30, 0x40, 0x50]);
    const f = secretForms(bytes);
    expect(f).toContain(bytes.toString('base64'));
    expect(f.every((form) => /^[A-Za-z0-9+/=_-]+$/.test(form))).toBe(true);
  });

  it('GIVEN the same value twice WHEN listed THEN the forms are the same, sorted and without duplicates', () => {
    const f = forms('same-value-123');
    expect(forms('same-value-123')).toEqual(f);
    expect([...f].sort()).toEqual(f);
    expect(new Set(f).size).toBe(f.length);
  });
});
