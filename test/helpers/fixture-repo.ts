import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes files (path → content) under `root`, creating folders. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

/** A small multi-language project with known functions at known lines. */
export const SAMPLE_PROJECT: Record<string, string> = {
  'src/config.ts': [
    "import { readFileSync } from 'node:fs';",
    '',
    'export interface AppConfig {',
    '  port: number;',
    '  host: string;',
    '}',
    '',
    '/** Reads and validates the configuration file. */',
    'export function parseConfig(file: string): AppConfig {',
    "  const raw = JSON.parse(readFileSync(file, 'utf8'));",
    '  return { port: Number(raw.port), host: String(raw.host) };',
    '}',
    '',
  ].join('\n'),
  'src/server.ts': [
    "import { parseConfig } from './config';",
    '',
    'export class HttpServer {',
    '  start(configFile: string): void {',
    '    const config = parseConfig(configFile);',
    '    console.log(`listening on ${config.host}:${config.port}`);',
    '  }',
    '}',
    '',
  ].join('\n'),
  'lib/tokens.py': [
    'import time',
    '',
    '',
    'def refresh_access_token(session):',
    '    """Refreshes the OAuth access token when it is about to expire."""',
    '    if session.expires_at - time.time() < 60:',
    '        session.token = session.client.refresh(session.refresh_token)',
    '    return session.token',
    '',
  ].join('\n'),
  'docs/guide.md': '# Guide\n\nRun the server with a configuration file.\n',
  'node_modules/dep/index.js': 'export function parseConfigFromDependency() {}\n',
  'dist/bundle.js': 'function parseConfigBundled() {}\n',
  '.gitignore': 'generated/\n',
  'generated/schema.ts': 'export function parseConfigGenerated() {}\n',
};
