/**
 * Asking VS Code's MCP client to start Baton's definition, until it has
 * connected. Kept free of the vscode module so that it can be tested.
 *
 * Why a loop: `workbench.mcp.startServer` resolves (with nothing) at once
 * while the workbench does not know the definition yet — the extension host
 * publishes it after a tick and the workbench takes it in after a 500 ms
 * debounce — and it never says whether it started anything. Whether it did
 * is known from Baton's own server, which sees VS Code's client connect.
 */
export interface StartLoopDeps {
  /** Runs workbench.mcp.startServer for Baton's definition (resolves when tools are live, or at once if the id is unknown). */
  readonly startServer: () => Promise<unknown>;
  /** Whether VS Code's MCP client is connected to this window's server (asks the server). */
  readonly connected: () => Promise<boolean>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly cancelled: () => boolean;
}

export type StartOutcome =
  | { readonly kind: 'connected'; readonly attempts: number; readonly elapsedMs: number }
  | { readonly kind: 'unsupported'; readonly reason: string }
  | { readonly kind: 'timed-out'; readonly attempts: number; readonly lastError?: string }
  | { readonly kind: 'cancelled' };

/** Long enough for a slow window to publish the definition; VS Code still starts Baton on first use after it. */
export const START_DEADLINE_MS = 30_000;
const FIRST_RETRY_MS = 150;
const MAX_RETRY_MS = 1000;

export async function startUntilConnected(deps: StartLoopDeps, deadlineMs = START_DEADLINE_MS): Promise<StartOutcome> {
  const startedAt = deps.now();
  let lastError: string | undefined;
  for (let attempt = 1; ; attempt++) {
    if (deps.cancelled()) return { kind: 'cancelled' };
    try {
      await deps.startServer();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Editors without VS Code's MCP commands (older VS Code, some forks) say the command is not found.
      if (/command .*not found/i.test(message)) return { kind: 'unsupported', reason: message };
      lastError = message;
    }
    if (deps.cancelled()) return { kind: 'cancelled' };
    if (await deps.connected()) return { kind: 'connected', attempts: attempt, elapsedMs: deps.now() - startedAt };
    if (deps.now() - startedAt >= deadlineMs) return { kind: 'timed-out', attempts: attempt, ...(lastError ? { lastError } : {}) };
    await deps.sleep(Math.min(FIRST_RETRY_MS * attempt, MAX_RETRY_MS));
  }
}
