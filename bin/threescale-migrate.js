#!/usr/bin/env node
// Entry point of the installed CLI: runs the compiled program (`npm run build` writes build/; the published
// package ships it).
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

cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(cli.internalErrorText(err));
    process.exitCode = 70;
  },
);
