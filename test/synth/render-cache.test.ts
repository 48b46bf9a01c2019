/**
 * The render cache of diff and status (src/synth/render-cache.ts): a second run of the same plan and build
 * reads the folder states instead of rendering them, equal to a rendering in every object and file; anything
 * else renders.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { LoadedPlan } from '../../src/plan/load-plan.js';
import { cachedSynthesis, renderCacheDir, renderKey } from '../../src/synth/render-cache.js';
import { type SynthResult, synthesize } from '../../src/synth/synthesize.js';
import { examplePlanWith, loadExample } from '../support/plans.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'render-cache-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** cachedSynthesis with a render that counts its calls. */
function counted(loaded: LoadedPlan, build: { readonly buildId: string | undefined } = { buildId: 'build-1' }) {
  let renders = 0;
  const run = () =>
    cachedSynthesis(
      loaded,
      () => {
        renders += 1;
        return synthesize(loaded);
      },
      { buildId: build.buildId, dir },
    );
  return { run, renders: () => renders };
}

/** What diff reads of a result, and the files synth writes. */
const shape = (r: SynthResult) => ({
  states: [...r.forward, ...r.rollbacks].map((s) => ({ folder: s.folder, rollback: s.rollback, phase: s.phase.definition.id, objects: s.objects, own: s.own, extraFiles: s.extraFiles, released: s.released, ownIsObject: s.own.map((o) => s.objects.includes(o)) })),
  files: r.files,
});

describe('cachedSynthesis', () => {
  test('GIVEN a plan rendered once WHEN the same plan and build are synthesized again THEN nothing is rendered, and the states and files equal a rendering', async () => {
    const loaded = loadExample('postgresql-and-redis');
    const c = counted(loaded);
    const first = await c.run();
    const second = await c.run();
    expect(c.renders()).toBe(1);
    expect(readdirSync(dir)).toEqual([`${renderKey(loaded, 'build-1')}.json`]);
    expect(shape(second)).toEqual(shape(first));
  });

  test('GIVEN a plan whose scale-up releases Deployments to an HPA WHEN read back from the cache THEN the released objects come back too (status reads scale-down\'s 0 as superseded by them)', async () => {
    const loaded = loadExample('mysql-in-place-and-redis');
    const c = counted(loaded);
    const first = await c.run();
    const second = await c.run();
    expect(c.renders()).toBe(1);
    expect(first.forward.some((s) => (s.released ?? []).length > 0)).toBe(true);
    expect(shape(second)).toEqual(shape(first));
  });

  test('GIVEN a cached rendering WHEN the plan changes, or the build THEN it is rendered again under another key', async () => {
    await counted(loadExample('postgresql-and-redis')).run();
    const edited = examplePlanWith('postgresql-and-redis', (raw: { spec: { replicas: Record<string, number> } }) => {
      raw.spec.replicas['apicast-production'] = 7;
    });
    const changed = counted(edited);
    const result = await changed.run();
    expect(changed.renders()).toBe(1);
    expect(JSON.stringify(result.forward.at(-1)!.objects)).toContain('"replicas":7');
    const rebuilt = counted(loadExample('postgresql-and-redis'), { buildId: 'build-2' });
    await rebuilt.run();
    expect(rebuilt.renders()).toBe(1);
    expect(readdirSync(dir)).toHaveLength(3);
  });

  test('GIVEN a cache file cut short, of another format, or for other folders WHEN read THEN it is rendered and the file written again', async () => {
    const loaded = loadExample('postgresql-and-redis');
    const file = join(dir, `${renderKey(loaded, 'build-1')}.json`);
    for (const broken of ['{"format":"render-cache/1","forw', '{"format":"render-cache/0","forward":[],"rollbacks":[]}', '{"format":"render-cache/1","forward":[{"folder":"00-other","objects":[],"own":[],"extraFiles":[]}],"rollbacks":[]}', 'null']) {
      writeFileSync(file, broken);
      const c = counted(loaded);
      const result = await c.run();
      expect({ broken, renders: c.renders() }).toEqual({ broken, renders: 1 });
      expect(shape(result)).toEqual(shape(await synthesize(loaded)));
      const again = counted(loaded);
      await again.run();
      expect({ broken, renders: again.renders() }).toEqual({ broken, renders: 0 });
    }
  });

  test('GIVEN no build identity (the sources, as under test) WHEN synthesized twice THEN both render and nothing is written', async () => {
    const c = counted(loadExample('redis-only'), { buildId: undefined });
    await c.run();
    await c.run();
    expect(c.renders()).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('renderCacheDir', () => {
  test('GIVEN the environment WHEN asked THEN THREESCALE_MIGRATE_CACHE_DIR wins (off disables), then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(renderCacheDir({ THREESCALE_MIGRATE_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c/render');
    expect(renderCacheDir({ THREESCALE_MIGRATE_CACHE_DIR: 'off' })).toBeUndefined();
    expect(renderCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/threescale-migrate/render');
    expect(renderCacheDir({})).toMatch(/\/\.cache\/threescale-migrate\/render$/);
  });
});
