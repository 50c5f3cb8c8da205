// Runs before `npm pack` / `npm publish` in this folder: copies the built bundle and the
// tree-sitter grammars from the repository's dist/ (build it first: `npm run build` at the
// root, or `npm run pack:cli`, which does both), and refuses a version that differs from the
// extension's, so that the package and the VSIX of one release are the same Baton.
import { copyFileSync, cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const ours = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8'));
const extension = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
if (ours.version !== extension.version) {
  console.error(`packages/cli is version ${ours.version} but the extension is ${extension.version}: set the same version in both package.json files.`);
  process.exit(1);
}
const built = path.join(root, 'dist', 'cli.js');
if (!existsSync(built) || !existsSync(path.join(root, 'dist', 'wasm', 'tree-sitter.wasm'))) {
  console.error('dist/ is not built: run "npm run build" at the repository root first (or "npm run pack:cli").');
  process.exit(1);
}
rmSync(path.join(here, 'dist'), { recursive: true, force: true });
cpSync(path.join(root, 'dist', 'wasm'), path.join(here, 'dist', 'wasm'), { recursive: true });
copyFileSync(built, path.join(here, 'dist', 'cli.js'));
copyFileSync(path.join(root, 'dist', 'index-worker.js'), path.join(here, 'dist', 'index-worker.js'));
copyFileSync(path.join(root, 'LICENSE'), path.join(here, 'LICENSE'));
