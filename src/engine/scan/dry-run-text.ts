import type { DryRunReport } from './dry-run.ts';
import { countText, SOURCE_NAMES } from './exclusions.ts';

/** A dry run as lines a person reads (the CLI, the MCP text result, VS Code's preview document). */
export function dryRunText(report: DryRunReport): string {
  const lines = [`Dry run of ${report.root} (nothing was read into the index, nothing was written):`];
  const files = report.capped ? `more than ${number(report.countCap)} files (counted up to ${number(report.countCap)})` : `${number(report.files)} files`;
  lines.push(`- Would index ${files}, ${megabytes(report.bytes)}, in about ${duration(report.estimatedSeconds)} at ${megabytes(report.rateBytesPerSecond)}/s (${report.rateSource}).`);
  if (report.overLimit) {
    lines.push(
      `- Over the limit of ${number(report.maxFiles)} files: an index would be refused. Exclude the largest folders below with ignorePatterns or a .batonignore file, ` +
        'index a sub-folder, or raise BATON_MAX_FILES.',
    );
  }
  if (report.languages.length > 0) lines.push(`- Languages: ${report.languages.map((entry) => `${entry.language} ${sizeCount(entry)}`).join(', ')}.`);
  if (report.largestFolders.length > 0) lines.push(`- Largest folders: ${report.largestFolders.map((entry) => `${entry.folder} ${sizeCount(entry)}`).join(', ')}.`);
  if (report.excluded.length === 0) lines.push('- Excluded: nothing.');
  for (const entry of report.excluded) {
    lines.push(`- Excluded by ${SOURCE_NAMES[entry.source]}: ${countText(entry)} (e.g. ${entry.examples.join(', ')}).`);
  }
  const skipped: string[] = [];
  if (report.skipped.tooLarge) skipped.push(`${number(report.skipped.tooLarge)} over ${megabytes(report.maxFileBytes)}`);
  if (report.skipped.symlinks) skipped.push(`${number(report.skipped.symlinks)} symbolic links (not followed)`);
  if (report.skipped.unsupported) skipped.push(`${number(report.skipped.unsupported)} of types Baton does not index`);
  if (report.skipped.unreadable) skipped.push(`${number(report.skipped.unreadable)} unreadable`);
  if (skipped.length > 0) lines.push(`- Skipped: ${skipped.join(', ')}.`);
  lines.push('- Binary and minified files are found when read, so an index may take in a few less.');
  return lines.join('\n');
}

function sizeCount(entry: { files: number; bytes: number }): string {
  return `${number(entry.files)} file${entry.files === 1 ? '' : 's'} (${megabytes(entry.bytes)})`;
}

function number(value: number): string {
  return value.toLocaleString('en-US');
}

export function megabytes(bytes: number): string {
  if (bytes < 1e5) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
