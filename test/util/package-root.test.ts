import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';

describe('packageRoot', () => {
  test('finds the folder with package.json, the bundled scripts and CRDs', () => {
    // GIVEN the module runs from src/ under vitest (and from build/src/ once compiled)
    // WHEN
    const root = packageRoot();

    // THEN
    expect(existsSync(join(root, 'package.json'))).toBe(true);
    expect(existsSync(join(root, 'crds'))).toBe(true);
    expect(existsSync(join(root, 'charts', 'scripts', 'kube', 'lib.sh'))).toBe(true);
  });

  test('answers the same folder on every call', () => {
    // GIVEN / WHEN
    const first = packageRoot();
    const second = packageRoot();

    // THEN
    expect(second).toBe(first);
  });
});
