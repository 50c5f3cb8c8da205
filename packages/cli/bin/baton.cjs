#!/usr/bin/env node
// The `baton` command of the npm package. It checks the runtime before loading the
// bundle: Baton needs Node 22.13 or newer with its built-in SQLite (node:sqlite), and an
// older Node may not even parse the bundle, so this file is written for any Node.
'use strict';
var parts = process.versions.node.split('.').map(Number);
var recent = parts[0] > 22 || (parts[0] === 22 && parts[1] >= 13);
var hasSqlite = recent && typeof process.getBuiltinModule === 'function' && !!process.getBuiltinModule('node:sqlite');
if (!hasSqlite) {
  process.stderr.write(
    'baton: needs Node 22.13 or newer with its built-in SQLite (node:sqlite); this is Node ' + process.versions.node + '. ' +
      'Install a current Node (https://nodejs.org) and run "npx -y @baton-dev/baton mcp" with it ' +
      '(an MCP client runs the node first on its PATH).\n'
  );
  process.exit(78);
}
require('../dist/cli.js');
