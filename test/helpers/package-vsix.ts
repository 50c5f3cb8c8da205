import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './paths.ts';

/**
 * Packages the built extension (dist/ as `npm test` built it) into a real
 * VSIX with vsce, from a staging copy: the copy's manifest has no
 * vscode:prepublish script (a rebuild would rewrite dist/ under tests running
 * beside this one) and may carry another version (an "update").
 */
export function packageVsix(workFolder: string, version?: string): string {
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string; scripts: Record<string, string> };
  const finalVersion = version ?? manifest.version;
  const staging = path.join(workFolder, `staging-${finalVersion}`);
  mkdirSync(staging, { recursive: true });
  for (const entry of ['README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'media', 'dist']) {
    cpSync(path.join(PROJECT_ROOT, entry), path.join(staging, entry), { recursive: true });
  }
  delete manifest.scripts['vscode:prepublish'];
  manifest.version = finalVersion;
  writeFileSync(path.join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const vsix = path.join(workFolder, `baton-${finalVersion}.vsix`);
  execFileSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--out', vsix], { cwd: staging, stdio: ['ignore', 'ignore', 'pipe'] });
  return vsix;
}
