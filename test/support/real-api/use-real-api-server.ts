/**
 * One real API server per describe block: started in beforeAll, stopped in afterAll. Without the built
 * binaries the tests are skipped with a loud warning, except with CI set, where beforeAll fails.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { IN_CI } from '../db-servers.js';
import { checkEnvtestBinaries, failIfEnvtestMissing } from './envtest-binaries.js';
import { startRealApiServer, type RealApiServer, type RealApiServerOptions } from './real-api-server.js';

/** Registers the hooks; the returned function gives the running server (inside tests and later hooks). */
export function useRealApiServer(opts: RealApiServerOptions = {}): () => RealApiServer {
  let server: RealApiServer | undefined;
  let available = true;

  beforeAll(async () => {
    const check = checkEnvtestBinaries();
    if (!check.ok && !IN_CI) {
      available = false;
      return;
    }
    failIfEnvtestMissing(check);
    server = await startRealApiServer(opts);
  });

  beforeEach((ctx) => {
    if (!available) ctx.skip();
  });

  afterAll(async () => {
    await server?.stop();
    server = undefined;
  });

  return () => {
    if (!server) throw new Error('the real API server is not running (use the returned function inside tests or hooks after beforeAll)');
    return server;
  };
}
