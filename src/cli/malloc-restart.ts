import { hasMallocTuning, withMallocTuning } from '../protocol/malloc-tuning.ts';

/** Commands that index (or may, as a leader): the ones the allocator tuning is for. */
const INDEXING_COMMANDS = new Set(['mcp', 'index']);

/**
 * On Linux, a server or an index run started without the allocator tuning
 * (src/protocol/malloc-tuning.ts), typically `baton mcp` from an agent's MCP
 * configuration, replaces itself with the same program, arguments and
 * environment plus the tuning: the same process (pid, stdin, stdout), as if
 * it had been started that way, for one more start of Node (spawn → answered
 * `initialize` 107 → 150 ms, measured).
 * Nothing happens where `process.execve` is missing (Node before 23.11, the
 * runtime of Electron), on other platforms, for other commands, or when the
 * environment already has the tuning, which is also what stops a loop.
 */
export function restartWithMallocTuning(argv: readonly string[] = process.argv): void {
  if (process.platform !== 'linux' || typeof process.execve !== 'function') return;
  if (!INDEXING_COMMANDS.has(argv[2] ?? '') || hasMallocTuning(process.env)) return;
  const env = withMallocTuning(definedEntries(process.env));
  try {
    process.execve(process.execPath, [process.execPath, ...process.execArgv, ...argv.slice(1)], env);
  } catch {
    // Could not start again (an exec refused by the system): run as it is, only without the tuning.
  }
}

function definedEntries(env: NodeJS.ProcessEnv): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) entries[name] = value;
  return entries;
}
