/**
 * Specification of src/gitops/argocd-health.ts: the Lua health check Argo CD runs for child Applications
 * (app-of-apps), so the parent's sync waves wait until a child is healthy, not just synced.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { APPLICATION_HEALTH_LUA } from '../../src/gitops/argocd-health.js';

/** The first Lua interpreter found, or undefined. */
function luaInterpreter(): string | undefined {
  for (const bin of ['lua5.4', 'lua']) {
    if (spawnSync(bin, ['-v'], { stdio: 'ignore' }).status === 0) return bin;
  }
  return undefined;
}

const lua = luaInterpreter();

/** Lua source of a table literal for a JSON value (what Argo CD hands the script as `obj`). */
function luaValue(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `{ ${Object.entries(v as Record<string, unknown>).map(([k, x]) => `[${JSON.stringify(k)}] = ${luaValue(x)}`).join(', ')} }`;
}

/** Runs the health script with `obj` set, as Argo CD does; returns status and message. */
function runHealth(obj: unknown): { status: string; message: string } {
  const program = [
    `obj = ${luaValue(obj)}`,
    `local check = assert(load(${JSON.stringify(APPLICATION_HEALTH_LUA)}))`,
    'local r = check()',
    'io.write(r.status, "\\n", r.message)',
  ].join('\n');
  const r = spawnSync(lua!, ['-'], { input: program, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`lua failed: ${r.stderr}`);
  const [status, ...message] = r.stdout.split('\n');
  return { status: status!, message: message.join('\n') };
}

describe('APPLICATION_HEALTH_LUA', () => {
  test('is a plausible Lua chunk: balanced if/end blocks, a final return of the result, only the `obj` input', () => {
    // GIVEN
    const lines = APPLICATION_HEALTH_LUA.split('\n');

    // WHEN
    const code = lines.filter((l) => !l.trim().startsWith('--') && l.trim() !== '');
    const opened = code.filter((l) => /\bthen\s*$/.test(l)).length;
    const closed = code.filter((l) => l.trim() === 'end').length;

    // THEN
    expect(opened).toBeGreaterThan(0);
    expect(closed).toBe(opened);
    expect(code.at(-1)).toBe('return result');
    expect(APPLICATION_HEALTH_LUA).toMatch(/obj\.status ~= nil/);
    expect(APPLICATION_HEALTH_LUA).not.toMatch(/!=|&&|\|\||===|\bnull\b/);
    expect(APPLICATION_HEALTH_LUA.endsWith('\n')).toBe(true);
    for (const l of code) expect((l.match(/"/g) ?? []).length % 2, l).toBe(0);
  });

  test('compiles with a real Lua interpreter', () => {
    if (!lua) {
      console.warn('SKIPPED: no Lua interpreter (lua5.4 or lua) is installed; the Argo CD health check was not compiled');
      return;
    }
    // GIVEN
    const program = `assert(load(${JSON.stringify(APPLICATION_HEALTH_LUA)}))`;

    // WHEN
    const r = spawnSync(lua, ['-'], { input: program, encoding: 'utf8' });

    // THEN
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('reports a child Application without health yet as Progressing', () => {
    if (!lua) {
      console.warn('SKIPPED: no Lua interpreter (lua5.4 or lua) is installed; the Argo CD health check was not run');
      return;
    }
    // GIVEN
    const objects = [{ metadata: { name: 'x' } }, { status: {} }, { status: { health: {} } }];

    // WHEN
    const results = objects.map(runHealth);

    // THEN
    for (const r of results) expect(r).toEqual({ status: 'Progressing', message: 'waiting for the child Application to report health' });
  });

  test("reports the child's own health status and message", () => {
    if (!lua) {
      console.warn('SKIPPED: no Lua interpreter (lua5.4 or lua) is installed; the Argo CD health check was not run');
      return;
    }
    // GIVEN
    const healthy = { status: { health: { status: 'Healthy' } } };
    const degraded = { status: { health: { status: 'Degraded', message: 'Job copy-system-database failed' } } };

    // WHEN / THEN
    expect(runHealth(healthy)).toEqual({ status: 'Healthy', message: '' });
    expect(runHealth(degraded)).toEqual({ status: 'Degraded', message: 'Job copy-system-database failed' });
  });
});
