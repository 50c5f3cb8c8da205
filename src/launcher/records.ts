/**
 * What the VS Code extension leaves in BATON_HOME for the launcher, and
 * where. Every record is versioned (`format`) and written atomically (a
 * temporary file renamed over the old one), so a launcher never reads half
 * a file, and a launcher that meets a newer format skips it.
 *
 *   BATON_HOME/launcher/baton.cjs            the launcher (first line: its format and the Baton version that wrote it)
 *   BATON_HOME/launcher/sources/<id>.json    one per extensions folder a Baton extension was activated from
 *
 * One file per extensions folder (not one shared list) so that VS Code and
 * Cursor activating at the same moment never overwrite each other's entry.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const LAUNCHER_FORMAT = 1;
export const SOURCE_FORMAT = 1;

export interface LauncherFiles {
  readonly folder: string;
  readonly launcher: string;
  readonly sources: string;
}

export function launcherFiles(home: string): LauncherFiles {
  const folder = path.join(home, 'launcher');
  return { folder, launcher: path.join(folder, 'baton.cjs'), sources: path.join(folder, 'sources') };
}

/** An extensions folder that holds (or held) Baton, and how its editor runs it. */
export interface SourceRecord {
  readonly format: typeof SOURCE_FORMAT;
  /** The folder that holds the editor's extensions (its `baton-dev.baton-<version>` folders). */
  readonly extensionsDir: string;
  /** The editor, as it names itself (VS Code, Cursor, code-server…). */
  readonly editor: string;
  /** The baton.server.nodePath setting there, when set: a Node the user chose for Baton. */
  readonly nodePath?: string;
  readonly writtenAt: number;
}

/** Writes a file by renaming a complete temporary copy over it. */
export function writeAtomically(file: string, content: string, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, content, { mode });
  renameSync(temporary, file);
}

export function sourceRecordFile(home: string, extensionsDir: string): string {
  const id = createHash('sha1').update(path.resolve(extensionsDir)).digest('hex').slice(0, 16);
  return path.join(launcherFiles(home).sources, `${id}.json`);
}

export function writeSourceRecord(home: string, record: Omit<SourceRecord, 'format' | 'writtenAt'>): void {
  const full: SourceRecord = { format: SOURCE_FORMAT, ...record, writtenAt: Date.now() };
  writeAtomically(sourceRecordFile(home, record.extensionsDir), `${JSON.stringify(full, null, 2)}\n`);
}

/** Every readable record of a format this code knows; others (corrupt, newer) are skipped. */
export function readSourceRecords(home: string): SourceRecord[] {
  const folder = launcherFiles(home).sources;
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const records: SourceRecord[] = [];
  for (const name of names) {
    try {
      const value = JSON.parse(readFileSync(path.join(folder, name), 'utf8')) as Partial<SourceRecord>;
      if (value.format !== SOURCE_FORMAT || typeof value.extensionsDir !== 'string' || typeof value.editor !== 'string') continue;
      records.push({
        format: SOURCE_FORMAT,
        extensionsDir: value.extensionsDir,
        editor: value.editor,
        ...(typeof value.nodePath === 'string' && value.nodePath ? { nodePath: value.nodePath } : {}),
        writtenAt: typeof value.writtenAt === 'number' ? value.writtenAt : 0,
      });
    } catch {
      // being replaced, or not ours: skip it
    }
  }
  return records;
}

/** The launcher's first line: `// baton-launcher format=1 version=0.1.0`. */
export function launcherHeader(version: string): string {
  return `// baton-launcher format=${LAUNCHER_FORMAT} version=${version}`;
}

export function parseLauncherHeader(text: string): { format: number; version: string } | undefined {
  const match = /^(?:#![^\n]*\n)?\/\/ baton-launcher format=(\d+) version=(\S+)/.exec(text);
  return match ? { format: Number(match[1]), version: match[2]! } : undefined;
}
