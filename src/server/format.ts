import { percentOf, type IndexProgress } from '../engine/progress.ts';
import type { ClearToolOutput, IndexToolOutput, SearchToolOutput, StatusToolOutput } from '../protocol/tools.ts';
import type { WatchSummary } from '../protocol/watch-state.ts';

/** Readable text for each tool result; the same facts as its structuredContent. */

export function indexStartedText(output: IndexToolOutput): string {
  if (output.attached) {
    return (
      `${output.path} is already being indexed (${output.percent}% done, ${output.fileCount.toLocaleString('en-US')} files); this call follows that run. ` +
      `Call get_indexing_status to follow it; search_code already answers from what is indexed so far.`
    );
  }
  return (
    `Started indexing ${output.path} (${output.fileCount.toLocaleString('en-US')} files) in the background. ` +
    `Call get_indexing_status to follow it; search_code already answers from what is indexed so far.`
  );
}

export function indexFinishedText(path: string, final: IndexProgress): string {
  if (final.phase === 'done') return `Indexed ${path}: ${final.chunkCount.toLocaleString('en-US')} chunks (${final.message}).`;
  if (final.phase === 'cancelled') return `Indexing of ${path} was cancelled.`;
  return `Indexing of ${path} failed: ${final.message}`;
}

export function progressText(progress: IndexProgress): string {
  if (progress.phase === 'scanning') return `scanning ${progress.root}`;
  if (progress.phase === 'embedding') return `embedding: ${progress.message}`;
  return `indexed ${progress.processedFiles}/${progress.totalFiles} files (${percentOf(progress)}%)`;
}

const FENCE_LANGUAGES: Record<string, string> = { csharp: 'cs', shell: 'bash', tsx: 'tsx' };

export function searchText(output: SearchToolOutput): string {
  const leftOut = output.leftOut
    ? ` ${output.leftOut} result${output.leftOut === 1 ? ' was' : 's were'} left out: ${output.leftOut === 1 ? 'its file' : 'their files'} changed or disappeared on disk and ${output.leftOut === 1 ? 'is' : 'are'} being re-indexed; search again in a moment.`
    : '';
  if (output.results.length === 0) {
    const hint = output.indexStatus === 'indexing' ? ' Indexing is still running, so try again when it finishes.' : leftOut ? '' : ' Try other words or identifiers.';
    return `No results for "${output.query}" in ${output.path}.${hint}${leftOut}`;
  }
  const header = `Found ${output.results.length} ${output.results.length === 1 ? 'result' : 'results'} for "${output.query}" in ${output.path}${output.indexStatus === 'indexing' ? ' (indexing still in progress)' : ''}:${leftOut}`;
  const blocks = output.results.map((result, index) => {
    const fence = FENCE_LANGUAGES[result.language] ?? result.language;
    const stale = result.stale ? ' — the file changed since it was indexed; these lines are still there' : '';
    return `${index + 1}. ${result.file}:${result.startLine}-${result.endLine} (${result.language}, ${result.role}, score ${result.score})${stale}\n\`\`\`${fence}\n${result.content}\n\`\`\``;
  });
  return [header, ...blocks].join('\n\n');
}

export function clearText(output: ClearToolOutput): string {
  return `Cleared the index of ${output.path} (${output.fileCount.toLocaleString('en-US')} files, ${output.chunkCount.toLocaleString('en-US')} chunks).`;
}

export function statusText(output: StatusToolOutput): string {
  switch (output.status) {
    case 'not_found':
      return `${output.path} is not indexed. Call index_codebase with this path to index it.`;
    case 'indexing':
      return `${output.root} is being indexed: ${output.percent}% (${output.processedFiles}/${output.totalFiles} files, ${output.chunkCount} chunks so far).${watchSuffix(output.watch)}`;
    case 'indexed':
      return `${sentence(`${output.root} is indexed: ${output.fileCount} files, ${output.chunkCount} chunks. ${output.message}`.trim())}${watchSuffix(output.watch)}`;
    case 'failed':
      return `Indexing ${output.root} failed: ${output.message}. Call index_codebase again to retry.`;
  }
}

/** One sentence on how changes on disk reach the index. */
export function watchText(watch: WatchSummary): string {
  switch (watch.mode) {
    case 'watching':
      return 'Watched for changes.';
    case 'starting':
      return 'The watch is starting (catching up on changes made while nobody watched).';
    case 'polling':
      return `Checked for changes every ${interval(watch.pollMs ?? 0)}: ${watch.reason ?? 'no change events'}.`;
    case 'off':
      return 'Not watched (BATON_WATCH=0): changes made outside an editor are indexed by the next index_codebase.';
    case 'none':
      return 'Not watched right now: no Baton server is leading (changes are caught up when one starts).';
  }
}

function interval(milliseconds: number): string {
  return milliseconds < 1000 ? `${milliseconds} ms` : `${Math.round(milliseconds / 1000)} s`;
}

/** `text` ending in a full stop (a run's summary has none), so that the next sentence does not run on. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function watchSuffix(watch: WatchSummary | undefined): string {
  return watch ? ` ${watchText(watch)}` : '';
}
