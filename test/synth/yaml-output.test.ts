/**
 * Specification of src/synth/yaml-output.ts: deterministic YAML that YAML 1.1 readers (kustomize, Argo CD)
 * read back as the same values.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { toYaml } from '../../src/synth/yaml-output.js';

describe('toYaml', () => {
  test('quotes the strings a YAML 1.1 reader would turn into booleans, numbers or null', () => {
    // GIVEN
    const value = { a: 'yes', b: 'on', c: 'no', d: 'off', e: 'y', f: '0123', g: '1e3', h: 'null', i: '2.15', j: 'true', k: '~' };

    // WHEN
    const text = toYaml(value);

    // THEN
    for (const line of text.trimEnd().split('\n')) expect(line).toMatch(/^"?\w"?: "[^"]*"$/);
    expect(parse(text, { version: '1.1' })).toEqual(value);
  });

  test('does not fold long lines', () => {
    // GIVEN
    const long = `${'x'.repeat(150)} ${'y'.repeat(150)}`;

    // WHEN
    const text = toYaml({ command: long });

    // THEN
    expect(text).toBe(`command: ${long}\n`);
  });

  test('writes multi-line strings, such as scripts, as block literals', () => {
    // GIVEN
    const script = '#!/bin/bash\nset -euo pipefail\necho "done"\n';

    // WHEN
    const text = toYaml({ data: { 'run.sh': script } });

    // THEN
    expect(text).toBe('data:\n  run.sh: |\n    #!/bin/bash\n    set -euo pipefail\n    echo "done"\n');
  });

  test('keeps the key order of the object and indents sequences', () => {
    // GIVEN
    const value = { kind: 'Kustomization', apiVersion: 'v1', resources: ['b.yaml', 'a.yaml'] };

    // WHEN
    const text = toYaml(value);

    // THEN
    expect(text).toBe('kind: Kustomization\napiVersion: v1\nresources:\n  - b.yaml\n  - a.yaml\n');
  });

  test('writes a repeated object out twice instead of with anchors and aliases', () => {
    // GIVEN
    const labels = { app: 'x' };

    // WHEN
    const text = toYaml({ a: labels, b: labels });

    // THEN
    expect(text).not.toMatch(/[&*]/);
    expect(text).toBe('a:\n  app: x\nb:\n  app: x\n');
  });

  test('GIVEN a key spelled << (found by the property below) WHEN written THEN a YAML 1.1 reader reads a key, not a merge', () => {
    // GIVEN
    const value = { '<<': 1, nested: { '<<': { a: 1 } }, list: ['<<'] };

    // WHEN
    const text = toYaml(value);

    // THEN
    expect(parse(text, { version: '1.1' })).toEqual(value);
    expect(parse(text, { version: '1.2' })).toEqual(value);
  });

  test('reads back as the same value for any JSON data, under YAML 1.1 and 1.2', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // GIVEN
        const json = JSON.parse(JSON.stringify(value)) as unknown;

        // WHEN
        const text = toYaml(json);

        // THEN
        expect(parse(text, { version: '1.1' })).toEqual(json);
        expect(parse(text, { version: '1.2' })).toEqual(json);
        expect(toYaml(json)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});
