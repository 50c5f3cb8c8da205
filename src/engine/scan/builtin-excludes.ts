/**
 * What Baton never indexes, in .gitignore syntax: dependency and build output
 * folders, caches, version-control internals, minified bundles, source maps
 * and lock files. A project's own .gitignore files and the request's
 * `ignorePatterns` add to these.
 */
export const BUILTIN_EXCLUDES: readonly string[] = [
  // version control
  '.git/', '.hg/', '.svn/', '.jj/',
  // dependencies
  'node_modules/', 'bower_components/', 'jspm_packages/', 'vendor/', '.venv/', 'venv/', '.virtualenv/',
  'site-packages/', 'Pods/', '.bundle/', '.cargo/', '.m2/',
  // build output
  'dist/', 'build/', 'out/', 'target/', 'obj/', '_build/', '.next/', '.nuxt/', '.svelte-kit/', '.angular/',
  '.output/', '.vercel/', '.serverless/', '.terraform/', '.gradle/', 'DerivedData/', '.dart_tool/', 'cmake-build-*/',
  // caches and tool state
  '__pycache__/', '.cache/', '.parcel-cache/', '.turbo/', '.pytest_cache/', '.mypy_cache/', '.ruff_cache/', '.tox/',
  '.nox/', '.eggs/', '*.egg-info/', '.ipynb_checkpoints/', '.sass-cache/', '.eslintcache', '.idea/', '.vs/',
  '.vscode-test/', '.history/', '.baton/',
  // coverage
  'coverage/', '.nyc_output/', 'htmlcov/', 'lcov-report/',
  // minified, generated, maps
  '*.min.js', '*.min.mjs', '*.min.css', '*.bundle.js', '*.chunk.js', '*.map', '*.pb.go', '*_pb2.py', '*_pb2_grpc.py',
  '*.generated.*', '*.g.dart', '*.designer.cs',
  // lock files
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock', 'Cargo.lock',
  'Gemfile.lock', 'poetry.lock', 'Pipfile.lock', 'composer.lock', 'go.sum', 'pubspec.lock', 'mix.lock',
  'packages.lock.json', 'flake.lock', 'uv.lock', '*.lock',
];
