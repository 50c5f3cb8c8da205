// Test-only companion of Baton's e2e (see README.md). Plain CommonJS, no build, no dependencies.
const vscode = require('vscode');
const fs = require('node:fs');
const path = require('node:path');

const LOG = process.env.BATON_E2E_PROBE_LOG;
/** VS Code names MCP tools mcp_<server title, 13 characters at most>[<n>]_<tool>; Baton's title is "Baton". */
const BATON_SEARCH = /^mcp_baton\d*_search_code$/;
const TOOLS_DEADLINE_MS = 90_000;

function folder() {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
}

function record(event, data) {
  if (!LOG) return;
  fs.appendFileSync(LOG, `${JSON.stringify({ event, at: Date.now(), folder: path.basename(folder()), extHostPid: process.pid, ...data })}\n`);
}

function batonSearchTool() {
  return vscode.lm.tools.find((tool) => (tool.tags ?? []).includes('mcp') && BATON_SEARCH.test(tool.name));
}

/** vscode.lm has no event for new tools: look every 50 ms, until a deadline. */
async function watchForTools(activatedAt) {
  while (Date.now() - activatedAt < TOOLS_DEADLINE_MS) {
    const tool = batonSearchTool();
    if (tool) {
      const names = vscode.lm.tools.filter((t) => (t.tags ?? []).includes('mcp')).map((t) => t.name).sort();
      record('tools-visible', { tool: tool.name, names });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  record('tools-missing', { names: vscode.lm.tools.map((t) => t.name) });
}

async function searchViaMcp() {
  const query = await vscode.window.showInputBox({ title: 'Baton Probe', prompt: "Query for search_code through VS Code's MCP client" });
  if (!query) return;
  const tool = batonSearchTool();
  if (!tool) {
    record('search-failed', { reason: 'no Baton tool in vscode.lm.tools' });
    void vscode.window.showErrorMessage('Baton probe: no Baton tool in vscode.lm.tools');
    return;
  }
  const started = Date.now();
  try {
    const result = await vscode.lm.invokeTool(tool.name, { input: { path: folder(), query, limit: 5 }, toolInvocationToken: undefined });
    // With structuredContent, VS Code hands back its JSON as the one text part.
    const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
    const output = JSON.parse(text);
    const hits = output.results.map((hit) => `${hit.file}:${hit.startLine}`);
    record('search', { tool: tool.name, query, hits, indexStatus: output.indexStatus, ms: Date.now() - started });
    void vscode.window.showInformationMessage(`Baton probe: ${hits.length} results via ${tool.name}; first ${hits[0] ?? 'none'}`);
  } catch (error) {
    record('search-failed', { tool: tool.name, reason: String(error && error.message) });
    void vscode.window.showErrorMessage(`Baton probe: ${error && error.message}`);
  }
}

function activate(context) {
  const activatedAt = Date.now();
  record('activated', {});
  context.subscriptions.push(vscode.commands.registerCommand('batonProbe.searchViaMcp', searchViaMcp));
  void watchForTools(activatedAt);
}

module.exports = { activate, deactivate() {} };
