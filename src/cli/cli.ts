/**
 * Entry point of `baton`. Checks the Node version before anything loads
 * node:sqlite, so an old Node gets a sentence instead of a stack trace.
 */
import { EXIT_UNSUITABLE_RUNTIME } from '../protocol/server-env.ts';
import { setMemoryFlags } from './memory-flags.ts';
import { restartWithMallocTuning } from './malloc-restart.ts';
import { pauseOptimizingCompilers } from './startup-tiering.ts';

// First, before anything else is loaded: it may start this process again (src/cli/malloc-restart.ts).
restartWithMallocTuning();
setMemoryFlags();
// Until main() says the command is under way (src/cli/startup-tiering.ts).
pauseOptimizingCompilers();

const MINIMUM = [22, 13] as const;
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);


const tooOld = major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1]);
// A new enough Node built without SQLite (some embedders) is as unusable as an old one.
const hasSqlite = !tooOld && typeof process.getBuiltinModule === 'function' && process.getBuiltinModule('node:sqlite') !== undefined;

if (!hasSqlite) {
  const runtime = process.versions.electron ? `Electron ${process.versions.electron} (Node ${process.versions.node})` : `Node ${process.versions.node}`;
  process.stderr.write(
    `baton: needs Node ${MINIMUM.join('.')} or newer with its built-in SQLite (node:sqlite); this is ${runtime}. ` +
      'Install a current Node (https://nodejs.org) or run it with one, e.g. "npx -p node@24 node dist/cli.js"; ' +
      'in VS Code, point the setting baton.server.nodePath at it.\n',
  );
  process.exit(EXIT_UNSUITABLE_RUNTIME);
} else {
  void import('./main.ts').then(({ main }) => main(process.argv.slice(2)));
}
