import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, vi } from 'vitest';
import { main } from '../../src/cli/index.js';
import { startFakeApiServer } from '../support/fake-api-server.js';
import { loadLiveFixture } from '../support/live-fixtures.js';

test('scratch', async () => {
  const objects = await loadLiveFixture('postgresql');
  const api = await startFakeApiServer({ objects });
  const dir = mkdtempSync(join(tmpdir(), 'e2e-'));
  const kc = api.kubeconfigPath('3scale');
  const run = async (args: string[]) => {
    let out = "", err = ""; const t0 = Date.now();
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: any) => { out += String(s); return true; });
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: any) => { err += String(s); return true; });
    let code: number;
    try { code = await main(args); } finally { o.mockRestore(); e.mockRestore(); process.exitCode = undefined; }
    console.log(Date.now()-t0, "ms", "$", args.join(' '), '->', code, '\n', out.slice(0, 300), '\nERR:', err);
  };
  const plan = join(dir, 'migration.yaml');
  await run(['discover', '--kubeconfig', kc, '-n', '3scale', '-o', plan]);
  //console.log(readFileSync(plan, 'utf8'));
  await run(['synth', '-c', plan, '--out', join(dir, 'dist')]);
  await run(['diff', '-c', plan, '--kubeconfig', kc, '--phase', 'preflight']);
  await run(["diff", "-c", plan, "--kubeconfig", kc, "--phase", "cutover"]);
  await run(['status', '-c', plan, '--kubeconfig', kc]);
  await api.close();
});
