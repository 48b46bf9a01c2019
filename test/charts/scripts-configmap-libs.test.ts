/**
 * Every Job's scripts ConfigMap, as the golden snapshots hold them, carries each library its scripts source:
 * a Job whose script sources `lib/progress.sh` without it in the ConfigMap fails in the cluster at its first
 * line, which no local run of the script (where charts/scripts/ is whole) would show.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const SNAPSHOTS = join(import.meta.dirname, '..', '..', 'snapshots');

/** Every `*-scripts` ConfigMap file under snapshots/, relative to it. */
function scriptConfigMaps(): string[] {
  return readdirSync(SNAPSHOTS, { recursive: true, encoding: 'utf8' }).filter((f) => /configmap_[^/]*-scripts\.yaml$/.test(f)).sort();
}

/** The `lib/<name>.sh` files a script sources (`. "$SCRIPT_DIR/lib/<name>.sh"`). */
function sourcedLibs(script: string): string[] {
  return [...script.matchAll(/^\s*\. "\$SCRIPT_DIR\/(lib\/[a-z0-9-]+\.sh)"/gm)].map((m) => m[1]!);
}

describe('the scripts ConfigMaps of the rendered Jobs', () => {
  const files = scriptConfigMaps();

  it('GIVEN the golden snapshots WHEN their scripts ConfigMaps are listed THEN there are some (the check below is not vacuous)', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('GIVEN each scripts ConfigMap WHEN its scripts are read THEN every library they source is one of its keys', () => {
    const missing: string[] = [];
    for (const file of files) {
      const data = (parse(readFileSync(join(SNAPSHOTS, file), 'utf8')) as { data: Record<string, string> }).data;
      for (const [key, text] of Object.entries(data)) {
        for (const lib of sourcedLibs(text)) if (!(lib.replace('/', '.') in data)) missing.push(`${file}: ${key} sources ${lib}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
