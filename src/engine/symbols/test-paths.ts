/**
 * Whether a file is a test (or a fixture, a mock, a benchmark) by its path:
 * symbol answers put source files first. Judged from the path alone, so it is
 * fixed when the file is indexed.
 */
const TEST_FOLDERS = /(?:^|\/)(?:tests?|__tests__|spec|specs|__mocks__|mocks?|fixtures?|testdata|test-data|testing|e2e|benchmarks?)\//i;
const TEST_FILES = /(?:\.|_|-)(?:test|spec|tests|specs)\.[^/]+$|(?:^|\/)test_[^/]+\.py$|(?:^|\/)conftest\.py$|[A-Za-z0-9](?:Tests?|Spec)\.(?:java|cs|kt|php|rb)$/;

export function isTestPath(relativePath: string): boolean {
  return TEST_FOLDERS.test(relativePath) || TEST_FILES.test(relativePath);
}
