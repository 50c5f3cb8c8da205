/**
 * Why a scan left files out: each exclusion is attributed to the source of
 * the rule that decided it, so a user can tell "node_modules is built in"
 * from "my global git excludes hide *.log".
 */
export const EXCLUSION_SOURCES = ['built-in', 'core.excludesFile', '.git/info/exclude', 'ignorePatterns', '.gitignore', '.batonignore'] as const;
export type ExclusionSource = (typeof EXCLUSION_SOURCES)[number];

/** What one source excluded: folders (not entered, so their files are not counted) and single files. */
export interface ExclusionCount {
  folders: number;
  files: number;
  /** The first few excluded paths in path order (whatever order a scan met them in), folders ending in "/". */
  readonly examples: string[];
}

export type Exclusions = Partial<Record<ExclusionSource, ExclusionCount>>;

const EXAMPLES_PER_SOURCE = 3;

/** Counts one excluded path (a folder when it ends in "/"). */
export function tallyExclusion(exclusions: Exclusions, source: ExclusionSource, relativePath: string): void {
  const count = (exclusions[source] ??= { folders: 0, files: 0, examples: [] });
  if (relativePath.endsWith('/')) count.folders++;
  else count.files++;
  const { examples } = count;
  if (examples.length === EXAMPLES_PER_SOURCE && relativePath >= examples[EXAMPLES_PER_SOURCE - 1]!) return;
  if (examples.length === EXAMPLES_PER_SOURCE) examples.pop();
  examples.push(relativePath);
  examples.sort();
}

/** How people read each source. */
export const SOURCE_NAMES: Record<ExclusionSource, string> = {
  'built-in': 'built-in excludes',
  'core.excludesFile': 'global git excludes (core.excludesFile)',
  '.git/info/exclude': '.git/info/exclude',
  ignorePatterns: 'ignorePatterns',
  '.gitignore': '.gitignore',
  '.batonignore': '.batonignore',
};

/** "2 folders, 14 files" */
export function countText(count: { folders: number; files: number }): string {
  const parts: string[] = [];
  if (count.folders) parts.push(`${count.folders.toLocaleString('en-US')} folder${count.folders === 1 ? '' : 's'}`);
  if (count.files) parts.push(`${count.files.toLocaleString('en-US')} file${count.files === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** One line for a run's status: "excluded: .gitignore 2 folders; built-in excludes 3 folders, 1 file". Empty when nothing was. */
export function exclusionSummary(exclusions: Exclusions): string {
  const parts = EXCLUSION_SOURCES.flatMap((source) => {
    const count = exclusions[source];
    return count && count.folders + count.files > 0 ? [`${SOURCE_NAMES[source]} ${countText(count)}`] : [];
  });
  return parts.length === 0 ? '' : `excluded: ${parts.join('; ')}`;
}
