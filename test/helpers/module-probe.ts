/**
 * Preloaded into a server run from source (NODE_OPTIONS=--import=<this file>):
 * records the URL of every module the process imports (node: built-ins
 * included), and on SIGUSR2 writes them as JSON to BATON_TEST_MODULES_OUT
 * (renamed into place, so a reader never sees half a file). Lets a test ask
 * what a live process has loaded without stopping it.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';


const out = process.env.BATON_TEST_MODULES_OUT;
const urls = new Set<string>();

registerHooks({
  load(url, context, nextLoad) {
    urls.add(url);
    return nextLoad(url, context);
  },
});

if (out) {
  process.on('SIGUSR2', () => {
    writeFileSync(`${out}.tmp`, JSON.stringify([...urls]));
    renameSync(`${out}.tmp`, out);
  });
}
