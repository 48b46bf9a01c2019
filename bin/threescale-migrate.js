#!/usr/bin/env node
// Entry point of the installed CLI: runs the compiled program (`npm run build` writes build/).
import { internalErrorText, main } from '../build/cli/index.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(internalErrorText(err));
    process.exitCode = 70;
  },
);
