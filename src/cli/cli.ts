/**
 * Entry point of `baton`. Checks the Node version before anything loads
 * node:sqlite, so an old Node gets a sentence instead of a stack trace.
 */
const MINIMUM = [22, 13] as const;
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);

if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
  process.stderr.write(
    `baton: needs Node ${MINIMUM.join('.')} or newer (for its built-in SQLite); this is Node ${process.versions.node}. ` +
      'Install a current Node (https://nodejs.org) or run it with one, e.g. "npx -p node@24 node dist/cli.js".\n',
  );
  process.exit(1);
} else {
  void import('./main.ts').then(({ main }) => main(process.argv.slice(2)));
}
