import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  SYMBOL_TOOL_NAMES,
  findReferencesInput,
  findReferencesOutput,
  findSymbolInput,
  findSymbolOutput,
  outlineInput,
  outlineOutput,
} from '../protocol/symbol-tools.ts';
import type { ToolBackend } from './backend.ts';
import type { Logger } from './logger.ts';
import { findReferencesText, findSymbolText, outlineText } from './symbol-format.ts';
import { answer } from './tools.ts';

const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;

/** Registers the symbol tools (definitions, references, outlines), answered from the shared index. */
export function registerSymbolTools(server: McpServer, backend: ToolBackend, log: Logger): void {
  server.registerTool(
    SYMBOL_TOOL_NAMES.findSymbol,
    {
      title: 'Find symbol',
      description:
        'Find where a function, method, class, interface, type, enum, module or constant is defined in an indexed codebase, by name: ' +
        'exact first, then other case, then prefix, then camel humps ("SHCT" finds StreamableHTTPClientTransport); source files before tests. ' +
        'Each result has file, line, kind, container (class/module) and the signature line; includeSource adds the definition\'s code.',
      inputSchema: findSymbolInput,
      outputSchema: findSymbolOutput,
      annotations: READ_ONLY,
    },
    (input) =>
      answer(log, SYMBOL_TOOL_NAMES.findSymbol, async () => {
        const output = await backend.findSymbol(input);
        return { content: [{ type: 'text', text: findSymbolText(output) }], structuredContent: output };
      }),
  );

  server.registerTool(
    SYMBOL_TOOL_NAMES.findReferences,
    {
      title: 'Find references',
      description:
        'Find where an identifier is used in an indexed codebase: file, line, the line\'s text and the enclosing definition. ' +
        'Matched by name only (no type resolution: every identifier spelled so, in code — comments and strings are skipped). ' +
        'Files that define the name come first, then exact spellings, then other cases; source before tests.',
      inputSchema: findReferencesInput,
      outputSchema: findReferencesOutput,
      annotations: READ_ONLY,
    },
    (input) =>
      answer(log, SYMBOL_TOOL_NAMES.findReferences, async () => {
        const output = await backend.findReferences(input);
        return { content: [{ type: 'text', text: findReferencesText(output) }], structuredContent: output };
      }),
  );

  server.registerTool(
    SYMBOL_TOOL_NAMES.outline,
    {
      title: 'Get file outline',
      description: 'The definitions of one file of an indexed codebase (classes with their methods, functions, types, constants), nested, with their lines.',
      inputSchema: outlineInput,
      outputSchema: outlineOutput,
      annotations: READ_ONLY,
    },
    (input) =>
      answer(log, SYMBOL_TOOL_NAMES.outline, async () => {
        const output = await backend.fileOutline(input);
        return { content: [{ type: 'text', text: outlineText(output) }], structuredContent: output };
      }),
  );
}
