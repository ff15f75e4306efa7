// Runs the TypeScript sources in a child Node process, without a build, the way the tests run
// them (SWC, decorator metadata, the `source` condition for #libs/*):
//   node --conditions=source --import ./test/support/ts-loader.mjs apps/launcher/src/worker.ts
// Tests use it to run real worker processes from the sources under test, never a stale build.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
