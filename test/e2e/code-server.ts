import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { E2eTools } from './tools.ts';

export interface CodeServerOptions {
  readonly tools: E2eTools;
  /** Everything code-server and the extension hosts write goes under here. */
  readonly root: string;
  readonly env: Record<string, string>;
  readonly userSettings: Record<string, unknown>;
}

/**
 * A real code-server (the VS Code workbench, one extension host per browser
 * window) in its own process group, so that stopping it stops everything it
 * started. Listens on 127.0.0.1 only.
 */
export class CodeServer {
  readonly url: string;
  readonly extensionsDir: string;
  private readonly child: ChildProcess;
  output = '';

  private constructor(child: ChildProcess, url: string, extensionsDir: string) {
    this.child = child;
    this.url = url;
    this.extensionsDir = extensionsDir;
    child.stdout?.on('data', (data: Buffer) => (this.output += data.toString()));
    child.stderr?.on('data', (data: Buffer) => (this.output += data.toString()));
  }

  static directories(root: string): { userData: string; extensions: string } {
    return { userData: path.join(root, 'user-data'), extensions: path.join(root, 'extensions') };
  }

  /** Installs a VSIX into the extensions folder (code-server's own installer, offline). */
  static installExtension(options: CodeServerOptions, vsix: string): void {
    const { userData, extensions } = CodeServer.directories(options.root);
    execFileSync(options.tools.node, [options.tools.codeServer, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }

  static async start(options: CodeServerOptions): Promise<CodeServer> {
    const { userData, extensions } = CodeServer.directories(options.root);
    mkdirSync(path.join(userData, 'User'), { recursive: true });
    writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(options.userSettings, null, 2));
    const port = await freePort();
    const child = spawn(
      options.tools.node,
      [
        options.tools.codeServer,
        '--bind-addr', `127.0.0.1:${port}`,
        '--auth', 'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--reconnection-grace-time', '5',
        '--user-data-dir', userData,
        '--extensions-dir', extensions,
      ],
      { env: { ...process.env, ...options.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = new CodeServer(child, `http://127.0.0.1:${port}`, extensions);
    await server.waitHealthy();
    return server;
  }

  /** Stops code-server and every process of its group (extension hosts, watchers, Baton servers). */
  async stop(): Promise<void> {
    if (this.child.pid === undefined || this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      process.kill(-this.child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-this.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  }

  private async waitHealthy(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`code-server exited: ${this.output.slice(-2000)}`);
      const healthy = await fetch(`${this.url}/healthz`).then((response) => response.ok).catch(() => false);
      if (healthy) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`code-server did not become healthy: ${this.output.slice(-2000)}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
