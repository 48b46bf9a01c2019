#!/usr/bin/env node
// Entry point of the installed CLI: runs the compiled program (`npm run build` writes build/; the published
// package ships it).
import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

// Node 22.1 and later keep V8's compiled code of the bundles on disk, next to the render cache (its folder
// rules: THREESCALE_MIGRATE_CACHE_DIR, `off` to turn both off), so that a later start reads instead of compiling
// (Node checks every entry against its source, and ignores a folder it cannot write). Node 20 has no such API:
// there this does nothing.
const cacheDir = process.env.THREESCALE_MIGRATE_CACHE_DIR;
if (typeof module.enableCompileCache === 'function' && cacheDir !== 'off') {
  module.enableCompileCache(cacheDir ? join(cacheDir, 'compile') : join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'threescale-migrate', 'compile'));
}

let cli;
try {
  cli = await import('../build/cli/index.js');
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('build/cli/index.js')) {
    process.stderr.write('threescale-migrate: build/cli/index.js is missing; expected a built package: run `npm run build` in a checkout (an installed package ships it).\n');
    process.exit(2);
  }
  throw err;
}

// Exit 1 means "differences found" (CI reads it so): an error thrown outside the promise chain (in an event
// handler, a timer, a rejected promise nobody awaits) is a bug of this tool, reported like any other (70).
const internalError = (err) => {
  process.stderr.write(cli.internalErrorText(err));
  process.exit(70);
};
process.on('uncaughtException', internalError);
process.on('unhandledRejection', internalError);

cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(cli.internalErrorText(err));
    process.exitCode = 70;
  },
);
