/** How every benchmark writes: the report on stdout, progress on stderr, and a target's verdict. */

export function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function progress(line: string): void {
  process.stderr.write(`· ${line}\n`);
}

export function verdict(met: boolean): string {
  return met ? 'met' : 'NOT met';
}
