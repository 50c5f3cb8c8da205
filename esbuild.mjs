// Bundles the CLI/server (and the extension) into dist/, copying the
// tree-sitter WASM runtime and grammars next to them. Usage: node esbuild.mjs [--watch]
// Files are overwritten in place (never deleted first), so processes already
// running from dist/ keep working during a rebuild.
import { build, context } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const outdir = 'dist';

/** Grammars used by src/engine/languages.ts; the rest of the package is not shipped. */
const GRAMMARS = ['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'cpp', 'c-sharp', 'ruby', 'php'];

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Sources are ESM; in the CJS bundle import.meta.url is rebuilt from __filename.
  define: { 'import.meta.url': '__baton_import_meta_url' },
  banner: { js: 'const __baton_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
};

const bundles = [
  { ...common, entryPoints: { cli: 'src/cli/cli.ts' }, banner: { js: `#!/usr/bin/env node\n${common.banner.js}` } },
  // The indexer's worker threads (parse, chunk, tokenize); started by dist/cli.js from next to it.
  { ...common, entryPoints: { 'index-worker': 'src/engine/indexing/derive-worker.ts' } },
  // The extension's activation path: small on purpose (no MCP SDK, no zod).
  { ...common, entryPoints: { extension: 'src/extension/extension.ts' }, external: ['vscode'] },
  // Loaded by the extension once its server runs.
  { ...common, entryPoints: { 'extension-client': 'src/extension/client/server-client.ts' } },
  // Copied by the extension to BATON_HOME/launcher/baton.cjs; old runtimes must be able to parse it
  // (to say they are too old), hence the low target. Its first line is written by the extension.
  // target node12 also drops the "node:" prefix of built-in modules, which Node before 14.18 does not know.
  { ...common, entryPoints: { launcher: 'src/launcher/launcher.ts' }, target: 'node12', banner: {}, define: {}, sourcemap: false, outExtension: { '.js': '.cjs' } },
];

function copyGrammars() {
  const source = path.dirname(require.resolve('@vscode/tree-sitter-wasm'));
  const target = path.join(outdir, 'wasm');
  mkdirSync(target, { recursive: true });
  for (const file of ['tree-sitter.wasm', ...GRAMMARS.map((name) => `tree-sitter-${name}.wasm`)]) {
    copyFileSync(path.join(source, file), path.join(target, file));
  }
}

copyGrammars();
if (watch) {
  for (const options of bundles) await (await context({ ...options, outdir })).watch();
} else {
  await Promise.all(bundles.map((options) => build({ ...options, outdir })));
}
