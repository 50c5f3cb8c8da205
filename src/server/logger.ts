/**
 * Server log: plain lines on stderr (stdout belongs to the MCP protocol).
 * The extension shows them in its "Baton" output channel.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogLevel = 'error' | 'warn' | 'info';

const ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2 };

export function stderrLogger(level: LogLevel = 'info', write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const emit = (at: LogLevel, message: string): void => {
    if (ORDER[at] <= ORDER[level]) write(`${new Date().toISOString()} [${at}] ${message}\n`);
  };
  return {
    info: (message) => emit('info', message),
    warn: (message) => emit('warn', message),
    error: (message) => emit('error', message),
  };
}

export function logLevelFromEnv(value: string | undefined): LogLevel {
  return value === 'error' || value === 'warn' || value === 'info' ? value : 'info';
}
