import { percentOf, type IndexProgress } from '../engine/progress.ts';
import type { ClearToolOutput, IndexToolOutput, SearchToolOutput, StatusToolOutput } from '../protocol/tools.ts';

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
  if (output.results.length === 0) {
    const hint = output.indexStatus === 'indexing' ? ' Indexing is still running, so try again when it finishes.' : ' Try other words or identifiers.';
    return `No results for "${output.query}" in ${output.path}.${hint}`;
  }
  const header = `Found ${output.results.length} results for "${output.query}" in ${output.path}${output.indexStatus === 'indexing' ? ' (indexing still in progress)' : ''}:`;
  const blocks = output.results.map((result, index) => {
    const fence = FENCE_LANGUAGES[result.language] ?? result.language;
    return `${index + 1}. ${result.file}:${result.startLine}-${result.endLine} (${result.language}, ${result.role}, score ${result.score})\n\`\`\`${fence}\n${result.content}\n\`\`\``;
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
      return `${output.root} is being indexed: ${output.percent}% (${output.processedFiles}/${output.totalFiles} files, ${output.chunkCount} chunks so far).`;
    case 'indexed':
      return `${output.root} is indexed: ${output.fileCount} files, ${output.chunkCount} chunks. ${output.message}`.trim();
    case 'failed':
      return `Indexing ${output.root} failed: ${output.message}. Call index_codebase again to retry.`;
  }
}
