import { languageOf } from '../../src/engine/languages.ts';

/**
 * What a file is for, judged from its path alone. The evaluation uses it to
 * decide which files a commit's answer may be (only `source`), and the report
 * to say what ranked first. A search result that carries a `role` of its own
 * (the engine's classifier, once it has one) is reported with that instead.
 */
export type FileRole = 'source' | 'test' | 'docs' | 'changelog' | 'generated' | 'example' | 'config' | 'other';

/** Languages Baton indexes that are documentation or configuration rather than code. */
const DOCS_LANGUAGES = new Set(['markdown']);
const CONFIG_LANGUAGES = new Set(['json', 'yaml', 'toml', 'ini', 'xml', 'makefile', 'cmake', 'dockerfile', 'terraform']);

const CHANGELOG_NAME = /^(changelog|changes|history|news|releases?|release[-_]notes)([-_.].*)?$/i;
const CHANGELOG_FOLDERS = new Set(['changelog', 'changelogs', '.changeset', '.changes', 'relnotes', 'release-notes', 'release_notes']);

const GENERATED_NAME = /(^|[._-])generated([._-]|$)|\.pb\.go$|_pb2(_grpc)?\.py$|\.designer\.cs$|\.g\.(cs|dart)$|\.min\.(js|mjs|css)$|(^|[._-])gen\.go$/i;
const GENERATED_FOLDERS = new Set(['generated', '__generated__']);

/** Folder names that hold tests: test/, tests/, spec/, __tests__/, testdata/, fixtures… and Foo.Tests/, runtime-tests/, test-utils/. */
const TEST_FOLDER = /^(tests?|specs?|__tests__|__mocks__|__snapshots__|__fixtures__|fixtures|testdata|testing|tests?[-_].+|.+[-_.]tests?)$/i;
/** File names of tests: foo_test.go, test_foo.py, foo_test.py, foo.test.ts, foo.spec.js, FooTest.java, FooTests.cs, foo_spec.rb, conftest.py… */
const TEST_NAME = /(_test\.\w+$)|(^test_.+\.py$)|(\.(test|spec)\.\w+$)|(^.+Tests?\.(java|cs|kt|php|scala)$)|(_spec\.rb$)|(^conftest\.py$)|(\.snap$)/;

const EXAMPLE_FOLDERS = new Set(['example', 'examples', '_examples', 'sample', 'samples', 'demo', 'demos']);
const DOCS_FOLDERS = new Set(['docs', 'doc', 'documentation', 'man', 'website']);

const CONFIG_NAME = /^(gemfile|rakefile|.+\.gemspec|.+\.gradle|.+\.csproj|.+\.props|.+\.targets|requirements.*\.txt|setup\.py|noxfile\.py|tox\.ini|.+\.config\.[cm]?[jt]s)$/i;
const CONFIG_FOLDERS = new Set(['.github', '.circleci', '.gitlab', '.ci', '.devcontainer', '.vscode', '.husky']);

/** The role of a root-relative, "/"-separated path. `other`: a file Baton does not index at all. */
export function classifyPath(relativePath: string): FileRole {
  const parts = relativePath.split('/');
  const name = parts.at(-1) ?? '';
  const folders = parts.slice(0, -1);
  const lowerFolders = folders.map((folder) => folder.toLowerCase());
  const language = languageOf(relativePath);
  if (!language) return 'other';
  if (CHANGELOG_NAME.test(name) && DOCS_LANGUAGES.has(language.id)) return 'changelog';
  if (lowerFolders.some((folder) => CHANGELOG_FOLDERS.has(folder))) return 'changelog';
  if (GENERATED_NAME.test(name) || lowerFolders.some((folder) => GENERATED_FOLDERS.has(folder))) return 'generated';
  if (TEST_NAME.test(name) || folders.some((folder) => TEST_FOLDER.test(folder))) return 'test';
  if (/^readme([-_.].*)?$/i.test(name) || DOCS_LANGUAGES.has(language.id)) return 'docs';
  if (lowerFolders.some((folder) => EXAMPLE_FOLDERS.has(folder))) return 'example';
  // A docs folder at the root holds docs whatever their language (docs/conf.py, docs/src/assets/x.js); deeper
  // down only non-code files are docs (ripgrep's crates/core/flags/doc/help.rs is source).
  if (DOCS_FOLDERS.has(lowerFolders[0] ?? '') || (!language.grammar && lowerFolders.some((folder) => DOCS_FOLDERS.has(folder)))) return 'docs';
  if (CONFIG_LANGUAGES.has(language.id) || CONFIG_NAME.test(name) || name.startsWith('.') || lowerFolders.some((folder) => CONFIG_FOLDERS.has(folder))) {
    return 'config';
  }
  return 'source';
}

/**
 * The role a search result is reported with: the result's own `role` when it
 * has one (typed as optional, so this compiles with or without the field),
 * else the path classifier's.
 */
export function roleOfResult(result: { readonly file: string; readonly role?: string | undefined }): string {
  return result.role ?? classifyPath(result.file);
}
