import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { mcpConfigurationText, type ServerCommand } from '../../src/extension/mcp-config.ts';

const ELECTRON: ServerCommand = {
  command: '/usr/share/code/code',
  args: ['/home/me/.vscode/extensions/baton-dev.baton-0.1.0/dist/cli.js', 'mcp'],
  env: { ELECTRON_RUN_AS_NODE: '1' },
};

const SPACED: ServerCommand = {
  command: '/Applications/Visual Studio Code.app/Contents/Frameworks/Code Helper (Plugin).app/Contents/MacOS/Code Helper (Plugin)',
  args: ["/Users/o'brien/My Extensions/baton/dist/cli.js", 'mcp'],
  env: { ELECTRON_RUN_AS_NODE: '1', NOTE: 'a b $HOME "x"' },
};

/** The text's sections: heading → body (blocks are separated by blank lines; the JSON has none inside). */
function sections(text: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const block of text.split('\n\n')) {
    const [heading = '', ...body] = block.split('\n');
    if (heading.startsWith('## ')) result.set(heading.slice(3), body.join('\n'));
  }
  return result;
}

function block(text: string, headingStart: string): string {
  const found = [...sections(text)].find(([heading]) => heading.startsWith(headingStart));
  assert.ok(found, `no section starting with ${headingStart}`);
  return found[1];
}

/** How a POSIX shell splits the Claude Code line into arguments (claude itself replaced by a printer). */
function shellWords(line: string): string[] {
  const printer = 'claude() { for word in "$@"; do printf "%s\\0" "$word"; done; }\n';
  return execFileSync('/bin/sh', ['-c', printer + line], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

test('the text has a title and the three client sections in order', () => {
  const text = mcpConfigurationText(ELECTRON);
  assert.match(text, /^# Baton MCP server/);
  assert.deepEqual(
    [...sections(text).keys()].map((heading) => heading.split(' (')[0]),
    ['Claude Code', 'Cursor', 'VS Code mcp.json'],
  );
  assert.ok(text.endsWith('\n'));
});

test('Claude Code gets one command line with the env flags after the name and the command after --', () => {
  const line = block(mcpConfigurationText(ELECTRON), 'Claude Code');
  assert.equal(line, 'claude mcp add baton -e ELECTRON_RUN_AS_NODE=1 -- /usr/share/code/code /home/me/.vscode/extensions/baton-dev.baton-0.1.0/dist/cli.js mcp');
});

test('Cursor JSON parses back to mcpServers.baton with command, args and env', () => {
  const json: unknown = JSON.parse(block(mcpConfigurationText(ELECTRON), 'Cursor'));
  assert.deepEqual(json, {
    mcpServers: { baton: { command: '/usr/share/code/code', args: ['/home/me/.vscode/extensions/baton-dev.baton-0.1.0/dist/cli.js', 'mcp'], env: { ELECTRON_RUN_AS_NODE: '1' } } },
  });
});

test('VS Code mcp.json parses back to a stdio server with command, args and env', () => {
  const json: unknown = JSON.parse(block(mcpConfigurationText(ELECTRON), 'VS Code mcp.json'));
  assert.deepEqual(json, {
    servers: { baton: { type: 'stdio', command: '/usr/share/code/code', args: ['/home/me/.vscode/extensions/baton-dev.baton-0.1.0/dist/cli.js', 'mcp'], env: { ELECTRON_RUN_AS_NODE: '1' } } },
  });
});

test('without environment variables there are no -e flags and no env keys', () => {
  const server: ServerCommand = { command: '/usr/local/bin/node', args: ['/srv/baton/dist/cli.js', 'mcp'], env: {} };
  const text = mcpConfigurationText(server);
  assert.equal(block(text, 'Claude Code'), 'claude mcp add baton -- /usr/local/bin/node /srv/baton/dist/cli.js mcp');
  assert.deepEqual(JSON.parse(block(text, 'Cursor')), { mcpServers: { baton: { command: '/usr/local/bin/node', args: ['/srv/baton/dist/cli.js', 'mcp'] } } });
  assert.deepEqual(JSON.parse(block(text, 'VS Code mcp.json')), { servers: { baton: { type: 'stdio', command: '/usr/local/bin/node', args: ['/srv/baton/dist/cli.js', 'mcp'] } } });
});

test('paths with spaces, parentheses and quotes are quoted so a shell reads them back intact', { skip: process.platform === 'win32' && 'needs a POSIX shell' }, () => {
  const line = block(mcpConfigurationText(SPACED), 'Claude Code');
  assert.ok(line.includes("'/Applications/Visual Studio Code.app/Contents/Frameworks/Code Helper (Plugin).app/Contents/MacOS/Code Helper (Plugin)'"));
  assert.deepEqual(shellWords(line), [
    'mcp',
    'add',
    'baton',
    '-e',
    'ELECTRON_RUN_AS_NODE=1',
    '-e',
    'NOTE=a b $HOME "x"',
    '--',
    SPACED.command,
    ...SPACED.args,
  ]);
});

test('JSON blocks keep awkward paths and values exactly', () => {
  const text = mcpConfigurationText(SPACED);
  const cursor = JSON.parse(block(text, 'Cursor')) as { mcpServers: { baton: ServerCommand } };
  const vscodeJson = JSON.parse(block(text, 'VS Code mcp.json')) as { servers: { baton: ServerCommand & { type: string } } };
  assert.deepEqual(cursor.mcpServers.baton, { command: SPACED.command, args: SPACED.args, env: SPACED.env });
  assert.deepEqual(vscodeJson.servers.baton, { type: 'stdio', command: SPACED.command, args: SPACED.args, env: SPACED.env });
});

test('an empty value is quoted rather than dropped', { skip: process.platform === 'win32' && 'needs a POSIX shell' }, () => {
  const line = block(mcpConfigurationText({ command: '/usr/bin/node', args: ['/srv/cli.js', 'mcp'], env: { EMPTY: '' } }), 'Claude Code');
  assert.deepEqual(shellWords(line), ['mcp', 'add', 'baton', '-e', 'EMPTY=', '--', '/usr/bin/node', '/srv/cli.js', 'mcp']);
});
