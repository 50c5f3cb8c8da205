import type * as vscode from 'vscode';

const LEVEL_LINE = /^\S+ \[(info|warn|error)\] (.*)$/;

/**
 * Routes the server's stderr into the "Baton" log channel: its leveled
 * lines keep their level, event lines (role changes, HTTP port) are debug
 * detail, anything else (a crash trace) is an error.
 */
export function pipeServerLog(stderr: NodeJS.ReadableStream, log: vscode.LogOutputChannel): void {
  let partial = '';
  stderr.on('data', (data: Buffer | string) => {
    const lines = (partial + data.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) writeLine(line, log);
  });
}

function writeLine(line: string, log: vscode.LogOutputChannel): void {
  if (line.trim() === '') return;
  const leveled = LEVEL_LINE.exec(line);
  if (leveled) {
    const [, level, message] = leveled as unknown as [string, 'info' | 'warn' | 'error', string];
    log[level](message);
  } else if (line.startsWith('{"event":')) {
    log.debug(line);
  } else {
    log.error(line);
  }
}
