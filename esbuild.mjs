// Bundles the CLI/server (and the extension) into dist/, copying the
// tree-sitter WASM runtime and grammars next to them. Usage: node esbuild.mjs [--watch]
// Files are overwritten in place (never deleted first), so processes already
// running from dist/ keep working during a rebuild.
import { build, context } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const outdir = 'dist';

/** Grammars of @vscode/tree-sitter-wasm used by src/engine/languages.ts; the rest of the package is not shipped. */
const GRAMMARS = ['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'cpp', 'c-sharp', 'ruby', 'php'];
/** Grammars from packages of their own (SEPARATE_GRAMMARS in src/engine/chunk/grammars.ts). */
const SEPARATE_GRAMMARS = { c: 'tree-sitter-c' };

/**
 * esbuild escapes every non-ASCII character of the code (its default charset)
 * but copies comments as they are, and one "—" in a comment makes V8 hold the
 * whole bundle as a two-byte string: 3.4 instead of 1.7 MB in every server
 * process. Each non-ASCII UTF-16 unit of a comment becomes one ASCII
 * character (so the source maps' columns stay right); one anywhere else would
 * be a change of meaning, and fails the build.
 */
const asciiComments = {
  name: 'ascii-comments',
  setup(build) {
    build.onEnd((result) => {
      for (const file of Object.keys(result.metafile?.outputs ?? {}).filter((name) => name.endsWith('.js') || name.endsWith('.cjs'))) {
        const text = readFileSync(file, 'utf8');
        if (!/[^\x00-\x7f]/.test(text)) continue;
        const lines = text.split('\n').map((line, index) => {
          const first = line.search(/[^\x00-\x7f]/);
          if (first === -1) return line;
          if (!insideComment(line, first)) throw new Error(`${file}:${index + 1}: a non-ASCII character outside a comment: ${line.trim().slice(0, 120)}`);
          return line.replace(/[^\x00-\x7f]/g, (character) => ASCII_FOR[character] ?? '?');
        });
        writeFileSync(file, lines.join('\n'));
      }
    });
  },
};
const ASCII_FOR = { '—': '-', '–': '-', '─': '-', '…': '.', '→': '>', '←': '<', '×': 'x', '≤': '<', '≥': '>', '‘': "'", '’': "'", '“': '"', '”': '"' };

/** Whether `column` of `line` is inside a comment: after a `//`, or on a block comment's line. */
function insideComment(line, column) {
  const before = line.slice(0, column);
  const trimmed = line.trimStart();
  return before.includes('//') || trimmed.startsWith('*') || trimmed.startsWith('/*') || (before.includes('/*') && !before.slice(before.lastIndexOf('/*')).includes('*/'));
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
  plugins: [asciiComments],
  // Sources are ESM; in the CJS bundle import.meta.url is rebuilt from __filename.
  define: { 'import.meta.url': '__baton_import_meta_url' },
  banner: { js: 'const __baton_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
};

/**
 * proper-lockfile requires graceful-fs, which patches fs at load and loads
 * node:fs/promises and Node's readline with it (2 MB in every server); the
 * seat hands proper-lockfile Node's own fs (src/coordination/seat.ts), so the
 * CLI bundle resolves graceful-fs to node:fs instead.
 */
const plainFsForLockfile = {
  name: 'plain-fs-for-lockfile',
  setup(build) {
    build.onResolve({ filter: /^graceful-fs$/ }, () => ({ path: 'node:fs', external: true }));
  },
};

/**
 * The server and its workers are minified: V8 keeps a script's whole source
 * in the heap for lazy compilation, so every server process held dist/cli.js's
 * 1.7 MB; minified it is 0.8 MB, and an idle follower's RSS drops by 1.8 MB
 * (docs/benchmarks.md). Error names are explicit strings in the sources, so
 * renamed classes change no message. A build from the sources links its
 * source maps: NODE_OPTIONS=--enable-source-maps maps stack traces back to src/
 * (the VSIX ships no maps).
 */
const minified = { minifyWhitespace: true, minifySyntax: true, minifyIdentifiers: true };

/**
 * Two modules the server's bundle leaves out, each replaced by a stand-in of
 * Baton's (the file says why; together 1.9 MB of every idle server): the MCP
 * SDK's ajv validator, used only for elicitation, which Baton never does, and
 * the `assert` of signal-exit, which calls only `assert.equal`. A stand-in
 * that no longer matches anything (a dependency moved the import) fails the
 * build instead of quietly putting the memory back.
 */
const standIns = {
  name: 'stand-ins',
  setup(build) {
    const rules = [
      { importer: /@modelcontextprotocol[\\/]sdk[\\/]dist[\\/]esm[\\/]server[\\/]index\.js$/, path: /validation\/ajv-provider\.js$/, standIn: 'src/server/no-schema-validator.ts' },
      { importer: /[\\/]signal-exit[\\/]index\.js$/, path: /^assert$/, standIn: 'src/coordination/assert-stand-in.ts' },
    ];
    const used = new Set();
    build.onStart(() => used.clear());
    build.onResolve({ filter: new RegExp(rules.map((rule) => rule.path.source).join('|')) }, (args) => {
      const rule = rules.find((candidate) => candidate.path.test(args.path) && candidate.importer.test(args.importer));
      if (!rule) return undefined;
      used.add(rule);
      return { path: path.resolve(rule.standIn) };
    });
    build.onEnd(() => {
      const unused = rules.filter((candidate) => !used.has(candidate));
      if (unused.length > 0) {
        throw new Error(unused.map((rule) => `stand-in ${rule.standIn} replaced nothing: update its rule in esbuild.mjs (importer ${rule.importer}, import ${rule.path})`).join('; '));
      }
    });
  },
};

const bundles = [
  { ...common, ...minified, entryPoints: { cli: 'src/cli/cli.ts' }, plugins: [...common.plugins, plainFsForLockfile, standIns], banner: { js: `#!/usr/bin/env node\n${common.banner.js}` } },
  // The indexer's worker threads (parse, chunk, tokenize); started by dist/cli.js from next to it.
  { ...common, ...minified, entryPoints: { 'index-worker': 'src/engine/indexing/derive-worker.ts' } },
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
  for (const [name, packageName] of Object.entries(SEPARATE_GRAMMARS)) {
    const file = `tree-sitter-${name}.wasm`;
    copyFileSync(require.resolve(`${packageName}/${file}`), path.join(target, file));
  }
}

copyGrammars();
if (watch) {
  for (const options of bundles) await (await context({ ...options, outdir })).watch();
} else {
  await Promise.all(bundles.map((options) => build({ ...options, outdir })));
}
