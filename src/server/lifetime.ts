/**
 * Ends a stdio server when its client goes away. The MCP SDK's stdio
 * transport does not exit when stdin closes (modelcontextprotocol/typescript-sdk#2002),
 * and a server that outlives its window would hold the leader seat: so stdin
 * ending, the parent process dying (we get re-parented) and the usual
 * signals all lead to one orderly shutdown.
 */
export interface LifetimeOptions {
  readonly stdin: NodeJS.ReadableStream;
  /** stdout and stderr: once the client is gone, writing to them fails with EPIPE. */
  readonly outputs?: readonly NodeJS.WritableStream[];
  readonly shutdown: (reason: string) => void;
  /** How often to check that the parent is alive. */
  readonly parentCheckMs?: number;
}

export function watchLifetime(options: LifetimeOptions): () => void {
  const { stdin, shutdown } = options;
  const onEnd = (): void => shutdown('stdin closed');
  stdin.on('end', onEnd);
  stdin.on('close', onEnd);
  // A write to a pipe whose reader died raises EPIPE; unhandled, it would kill the process
  // in the middle of handing the seat over. It means the client is gone: shut down cleanly.
  const onOutputError = (): void => shutdown('the client closed its end of the pipe');
  for (const output of options.outputs ?? []) output.on('error', onOutputError);
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent || !isAlive(parent)) shutdown(`parent process ${parent} exited`);
  }, options.parentCheckMs ?? 1000);
  timer.unref();
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  const onSignal = (signal: NodeJS.Signals): void => shutdown(`received ${signal}`);
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    // Output error handlers stay: a late EPIPE during shutdown must stay harmless.
    stdin.off('end', onEnd);
    stdin.off('close', onEnd);
    clearInterval(timer);
    for (const signal of signals) process.off(signal, onSignal);
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
