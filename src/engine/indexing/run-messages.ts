import { OVER_FILE_LIMIT_PHRASE } from '../../protocol/messages.ts';
import { exclusionSummary } from '../scan/exclusions.ts';
import { COUNT_CAP_FACTOR, type ScanResult } from '../scan/scanner.ts';
import type { RunCounts } from './index-pass.ts';

/** The summary a finished run leaves in the codebase's status. */
export function describeRun(counts: RunCounts, scan: ScanResult): string {
  const parts = [`${counts.changed} files indexed`, `${counts.unchanged} unchanged`];
  if (counts.deleted) parts.push(`${counts.deleted} removed`);
  // Files skipped when read are in the file count (with nothing to search); files over the size limit are not.
  if (counts.skipped) parts.push(`${counts.skipped} skipped (binary, minified or too large)`);
  if (scan.skips.tooLarge) parts.push(`${scan.skips.tooLarge} left out as too large (over the file size limit)`);
  const unreadable = counts.unreadable + scan.skips.unreadable;
  if (unreadable) parts.push(`${unreadable} unreadable (tried again on the next index)`);
  if (counts.vanished) parts.push(`${counts.vanished} vanished or stopped being regular files during the run (removed)`);
  if (counts.failed) parts.push(`${counts.failed} could not be parsed (tried again on the next index)`);
  const excluded = exclusionSummary(scan.exclusions);
  return excluded ? `${parts.join(', ')}; ${excluded}` : parts.join(', ');
}

/** Why a folder with too many files is refused, with its largest folders and what to do. */
export function overLimitMessage(root: string, scan: ScanResult, limit: number): string {
  const largest = [...scan.countsByTopFolder.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([folder, count]) => `${folder === '' ? '(top level)' : `${folder}/`} ${count.toLocaleString('en-US')}`)
    .join(', ');
  const counted = scan.indexableCount > limit * COUNT_CAP_FACTOR ? `more than ${(limit * COUNT_CAP_FACTOR).toLocaleString('en-US')}` : scan.indexableCount.toLocaleString('en-US');
  return (
    `${root} has ${counted} ${OVER_FILE_LIMIT_PHRASE} ${limit.toLocaleString('en-US')}. Largest folders: ${largest}. ` +
    `Exclude folders with ignorePatterns (e.g. ["data/", "generated/"]) or a .batonignore file, index a sub-folder, ` +
    `or raise the limit with the environment variable BATON_MAX_FILES. A dry run (index_codebase with dryRun, baton index --dry-run) shows what would be indexed.`
  );
}
