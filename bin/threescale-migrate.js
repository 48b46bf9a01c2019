#!/usr/bin/env node
// Entry point of the installed CLI: runs the compiled program (`npm run build` writes build/).
import { main } from '../build/cli/index.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`threescale-migrate: internal error, please report it: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 70;
  },
);
