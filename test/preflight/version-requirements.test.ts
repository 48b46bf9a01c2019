/**
 * Specification of src/procedures/externalize-on-cluster/version-requirements.ts: the two tables of 3scale 2.16 minimum versions
 * (vendor documentation, upstream operator) and the tolerant version comparison the operator uses.
 */
import { describe, expect, test } from 'vitest';
import { meetsMinimum, parseVersion, versionRequirements } from '../../src/procedures/externalize-on-cluster/version-requirements.js';

describe('versionRequirements', () => {
  test('GIVEN the two policies WHEN their tables are read THEN the vendor one is the stricter: Redis 7.2 and PostgreSQL 15.0 against 7.0.0 and 13.0.0, MariaDB refused', () => {
    // GIVEN / WHEN
    const vendor = versionRequirements('vendor');
    const operator = versionRequirements('operator');

    // THEN
    expect(vendor.minimum).toEqual({ mysql: '8.0.0', postgresql: '15.0', redis: '7.2' });
    expect(operator.minimum).toEqual({ mysql: '8.0.0', postgresql: '13.0.0', redis: '7.0.0' });
    expect([vendor.mariadbAccepted, operator.mariadbAccepted]).toEqual([false, true]);
    for (const kind of ['mysql', 'postgresql', 'redis'] as const) expect(meetsMinimum(vendor.minimum[kind], operator.minimum[kind]), kind).toBe(true);
  });
});

describe('parseVersion and meetsMinimum', () => {
  test('GIVEN what the servers answer WHEN parsed THEN the leading numbers count, missing parts are 0 and the rest is ignored', () => {
    expect(parseVersion('15.20 (Debian 15.20-0+deb12u1)')).toEqual([15, 20, 0]);
    expect(parseVersion('10.11.19-MariaDB-0+deb12u1')).toEqual([10, 11, 19]);
    expect(parseVersion('7.0.15')).toEqual([7, 0, 15]);
    expect(parseVersion('v4.16.21')).toEqual([4, 16, 21]);
    expect(parseVersion('MariaDB')).toBeUndefined();
  });

  test('GIVEN versions around a minimum WHEN compared THEN equal passes, each part is compared as a number, and garbage is undecided', () => {
    expect(meetsMinimum('7.2.0', '7.2')).toBe(true);
    expect(meetsMinimum('7.0.15', '7.2')).toBe(false);
    expect(meetsMinimum('7.10.0', '7.2')).toBe(true);
    expect(meetsMinimum('4.11.59', '4.12')).toBe(false);
    expect(meetsMinimum('15.0', '15.0')).toBe(true);
    expect(meetsMinimum('unknown', '15.0')).toBeUndefined();
  });
});
