import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { UserError, errorMessage } from '../engine/errors.ts';
import type { IndexProgress } from '../engine/progress.ts';
import {
  TOOL_NAMES,
  type IndexToolInput,
  type IndexToolOutput,
  clearOutput,
  indexInput,
  indexOutput,
  pathOnlyInput,
  searchInput,
  searchOutput,
  statusOutput,
} from '../protocol/tools.ts';
import type { ToolBackend } from './backend.ts';
import { dryRunText } from '../engine/scan/dry-run-text.ts';
import { clearText, indexFinishedText, indexStartedText, progressText, searchText, statusText } from './format.ts';
import type { Logger } from './logger.ts';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Registers Baton's four tools on an MCP server, answering from `backend`. */
export function registerTools(server: McpServer, backend: ToolBackend, log: Logger): void {
  server.registerTool(
    TOOL_NAMES.index,
    {
      title: 'Index codebase',
      description:
        'Index a codebase folder so search_code can find code in it. Returns at once and indexes in the background ' +
        '(only changed files when it was indexed before); get_indexing_status shows progress. Use force to start over, ' +
        'and dryRun to see first what would be indexed (files, size, languages, largest folders, exclusions, estimated time) without indexing.',
      inputSchema: indexInput,
      outputSchema: indexOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (input, extra) =>
      answer(log, TOOL_NAMES.index, async () => {
        if (input.dryRun) return dryRunAnswer(backend, input);
        const progress = progressSender(extra);
        const accepted = await backend.index(input, progress.send);
        if (!input.waitForCompletion) {
          progress.stop(); // a token is only valid while its request is open
          void accepted.done.then((final) => {
            const text = indexFinishedText(accepted.output.path, final);
            log.info(text);
            // The request is answered by now: the end of the run reaches the client as a log message.
            void server.sendLoggingMessage({ level: final.phase === 'done' ? 'info' : 'warning', logger: 'baton', data: text }).catch(() => undefined);
          });
          return { content: [{ type: 'text', text: indexStartedText(accepted.output) }], structuredContent: accepted.output };
        }
        const final = await accepted.done;
        await progress.sent();
        progress.stop();
        const status = await backend.status(accepted.output.path);
        const output = { ...accepted.output, status: status.status, percent: status.percent, chunkCount: status.chunkCount, message: status.message || final.message };
        return {
          content: [{ type: 'text', text: indexFinishedText(accepted.output.path, final) }],
          structuredContent: output,
          ...(final.phase === 'done' ? {} : { isError: true }),
        };
      }),
  );

  server.registerTool(
    TOOL_NAMES.search,
    {
      title: 'Search code',
      description:
        'Search an indexed codebase with a natural-language question or identifiers (e.g. "where are tokens refreshed", ' +
        '"parseConfig"). Returns the best matching places, one per result, with file, line range, role and content. ' +
        'By default source code ranks first: a chunk that defines a name the query means comes before chunks that only ' +
        'mention it, and tests, examples, docs, config, generated files and changelogs rank below the code unless the ' +
        'query asks for them ("tests for…", "docs on…"). Results name many files (at most 2 places per file in the first ' +
        '10; neighbouring chunks are joined). Pass roles (e.g. ["test"]) to search only files of those roles.',
      inputSchema: searchInput,
      outputSchema: searchOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) =>
      answer(log, TOOL_NAMES.search, async () => {
        const output = await backend.search(input);
        return { content: [{ type: 'text', text: searchText(output) }], structuredContent: output };
      }),
  );

  server.registerTool(
    TOOL_NAMES.clear,
    {
      title: 'Clear index',
      description: 'Delete the index of a codebase (stopping any indexing in progress). The files themselves are not touched.',
      inputSchema: pathOnlyInput,
      outputSchema: clearOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ path }) =>
      answer(log, TOOL_NAMES.clear, async () => {
        const output = await backend.clear(path);
        return { content: [{ type: 'text', text: clearText(output) }], structuredContent: output };
      }),
  );

  server.registerTool(
    TOOL_NAMES.status,
    {
      title: 'Get indexing status',
      description: 'Whether a codebase is indexed, being indexed (with percent done) or failed, with file and chunk counts.',
      inputSchema: pathOnlyInput,
      outputSchema: statusOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ path }) =>
      answer(log, TOOL_NAMES.status, async () => {
        const output = await backend.status(path);
        return { content: [{ type: 'text', text: statusText(output) }], structuredContent: output };
      }),
  );
}

/** index_codebase with dryRun: the scan's report, and the codebase's current state (nothing changes). */
async function dryRunAnswer(backend: ToolBackend, input: IndexToolInput): Promise<CallToolResult> {
  const report = await backend.dryRun(input);
  const current = await backend.status(report.root);
  const output: IndexToolOutput = {
    path: report.root,
    status: current.status,
    fileCount: report.files,
    percent: current.percent,
    chunkCount: current.chunkCount,
    message: 'dry run: nothing was indexed or written',
    dryRun: report,
  };
  return { content: [{ type: 'text', text: dryRunText(report) }], structuredContent: output };
}

/** Runs a tool body; a UserError becomes an isError result with its message, anything else is logged too. */
async function answer(log: Logger, tool: string, body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UserError) return { content: [{ type: 'text', text: error.message }], isError: true };
    if (error instanceof Error && (error.name === 'AbortError' || error.name === 'RunStoppedError')) {
      return { content: [{ type: 'text', text: `${tool} was cancelled (the index was cleared, or a forced re-index or shutdown stopped it). Call it again if you still need it.` }], isError: true };
    }
    log.error(`${tool} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return {
      content: [{ type: 'text', text: `${tool} failed inside Baton: ${errorMessage(error)}. The server is still running; see its log for details.` }],
      isError: true,
    };
  }
}

/**
 * MCP progress notifications for this request, when the client asked for them
 * (sent a progressToken). A token is only valid while its request is open, so
 * `stop` ends sending; `sent` resolves once everything sent so far is written,
 * so that the last notification goes out before the response.
 */
function progressSender(extra: Extra): { send: (progress: IndexProgress) => void; stop: () => void; sent: () => Promise<void> } {
  const token = extra._meta?.progressToken;
  let open = token !== undefined;
  let lastSentAt = 0;
  let pending: Promise<void> = Promise.resolve();
  const send = (progress: IndexProgress): void => {
    if (!open || token === undefined) return;
    const now = Date.now();
    const final = progress.phase === 'done' || progress.phase === 'failed' || progress.phase === 'cancelled';
    if (!final && now - lastSentAt < 100) return;
    lastSentAt = now;
    const notification = extra
      .sendNotification({
        method: 'notifications/progress',
        params: {
          progressToken: token,
          progress: progress.processedFiles,
          ...(progress.totalFiles > 0 ? { total: progress.totalFiles } : {}),
          message: progressText(progress),
        },
      })
      .catch(() => undefined); // the client may be gone; progress is best effort
    pending = pending.then(() => notification);
  };
  return { send, stop: () => (open = false), sent: () => pending };
}
