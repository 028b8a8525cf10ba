#!/usr/bin/env node
import { describeError } from './errors';
import { createProgram } from './program';

try {
  await createProgram().parseAsync(process.argv);
  // Nothing may keep a one-shot command alive (an idle keep-alive timer, say).
  process.exit();
} catch (err) {
  process.stderr.write(`pigeon: ${describeError(err)}\n`);
  process.exit(1);
}
