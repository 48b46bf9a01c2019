#!/usr/bin/env node
// Entry point of the installed CLI: runs the compiled program (`npm run build` writes build/).
import { internalErrorText, main } from '../build/cli/index.js';

// Exit 1 means "differences found" (CI reads it so): an error thrown outside the promise chain (in an event
// handler, a timer, a rejected promise nobody awaits) is a bug of this tool, reported like any other (70).
const internalError = (err) => {
  process.stderr.write(`threescale-migrate: internal error, please report it: ${err && err.stack ? err.stack : err}\n`);
  process.exit(70);
};
process.on('uncaughtException', internalError);
process.on('unhandledRejection', internalError);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(internalErrorText(err));
    process.exitCode = 70;
  },
);
