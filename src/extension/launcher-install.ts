import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launcherFiles, launcherHeader, LAUNCHER_FORMAT, parseLauncherHeader, writeAtomically, writeSourceRecord } from '../launcher/records.ts';
import { compareVersions, parseVersion } from '../launcher/versions.ts';
import type { ServerCommand } from './mcp-config.ts';

/**
 * What a window leaves in BATON_HOME so that MCP configurations copied from
 * it outlive extension updates (see src/launcher/): the launcher itself, and
 * a record of this extensions folder. No vscode import: tests drive it with
 * real VSIX contents.
 */
export interface LauncherInstall {
  readonly home: string;
  /** This extension's folder (…/extensions/baton-dev.baton-<version>); its dist/launcher.cjs is copied. */
  readonly extensionPath: string;
  readonly version: string;
  readonly editor: string;
  readonly nodePath?: string | undefined;
}

/**
 * Installs or refreshes the launcher and records this extensions folder.
 * The launcher is replaced only by one of a newer format, or of the same
 * format from a newer (or the same) Baton version: an older Baton activating
 * in another editor never downgrades it.
 */
export function installLauncher(install: LauncherInstall): { launcher: string; replaced: boolean } {
  const files = launcherFiles(install.home);
  const body = readFileSync(path.join(install.extensionPath, 'dist', 'launcher.cjs'), 'utf8');
  const content = `${launcherHeader(install.version)}\n${body}`;
  let current: string | undefined;
  try {
    current = readFileSync(files.launcher, 'utf8');
  } catch {
    current = undefined;
  }
  const replaced = current !== content && mayReplace(current, install.version);
  if (replaced) writeAtomically(files.launcher, content);
  writeSourceRecord(install.home, {
    extensionsDir: path.dirname(install.extensionPath),
    editor: install.editor,
    ...(install.nodePath ? { nodePath: install.nodePath } : {}),
  });
  return { launcher: files.launcher, replaced };
}

function mayReplace(current: string | undefined, version: string): boolean {
  if (current === undefined) return true;
  const header = parseLauncherHeader(current);
  if (!header) return true;
  if (header.format !== LAUNCHER_FORMAT) return header.format < LAUNCHER_FORMAT;
  const installed = parseVersion(header.version);
  const ours = parseVersion(version);
  return !installed || !ours || compareVersions(ours, installed) >= 0;
}

export interface LauncherRuntime {
  /** process.execPath of the extension host. */
  readonly execPath: string;
  readonly electronVersion?: string | undefined;
  readonly nodePath?: string | undefined;
  /** BATON_HOME when the extension host has it set (agents must share it). */
  readonly batonHome?: string | undefined;
}

/**
 * The command to paste into an MCP client: the launcher, run by the user's
 * chosen Node, or else by this editor's own runtime (Electron as Node under
 * desktop VS Code) — paths that an extension update does not change.
 */
export function launcherCommand(launcher: string, runtime: LauncherRuntime): ServerCommand {
  const env: Record<string, string> = {};
  if (runtime.batonHome) env.BATON_HOME = runtime.batonHome;
  const nodePath = runtime.nodePath?.trim();
  if (nodePath) return { command: nodePath, args: [launcher, 'mcp'], env };
  if (runtime.electronVersion) env.ELECTRON_RUN_AS_NODE = '1';
  return { command: stableExecPath(runtime.execPath), args: [launcher, 'mcp'], env };
}

/** A snap's runtime lives under its revision (/snap/code/123/…), which each update replaces; /snap/code/current/… follows it. */
export function stableExecPath(execPath: string): string {
  return execPath.replace(/^\/snap\/([^/]+)\/\d+\//, '/snap/$1/current/');
}
