import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Search-quality check: questions an agent would ask about code in the corpus,
 * each with the file(s) that answer it, found by reading the code (paths
 * relative to the corpus root; where a package ships the same module several
 * times — src/esm/cjs copies, a second installed version — every copy counts).
 * Type declaration files (.d.ts) are not answers: they hold no implementation.
 */
export interface QualityQuestion {
  readonly question: string;
  readonly expected: readonly string[];
}

const MCP = 'baton-deps/@modelcontextprotocol/sdk/dist_';
const PUPPETEER = 'extra-deps/puppeteer-core';
const MONACO = 'extra-deps/monaco-editor/esm/vs';

export const QUALITY_QUESTIONS: readonly QualityQuestion[] = [
  {
    question: 'where does the MCP server validate tool input arguments',
    expected: [`${MCP}/esm/server/mcp.js`, `${MCP}/cjs/server/mcp.js`],
  },
  {
    question: 'how does the stdio transport read JSON-RPC messages',
    expected: [`${MCP}/esm/shared/stdio.js`, `${MCP}/cjs/shared/stdio.js`, `${MCP}/esm/server/stdio.js`, `${MCP}/cjs/server/stdio.js`],
  },
  {
    question: 'how does the streamable HTTP server transport replay missed events when a client reconnects',
    expected: [`${MCP}/esm/server/webStandardStreamableHttp.js`, `${MCP}/cjs/server/webStandardStreamableHttp.js`],
  },
  {
    question: 'how does proper-lockfile detect a stale lock',
    expected: ['baton-deps/proper-lockfile/lib/lockfile.js'],
  },
  {
    question: 'how does zod turn a validation error into a readable pretty-printed string',
    expected: ['baton-deps/zod/src/v4/core/errors.ts', 'baton-deps/zod/v4/core/errors.js', 'baton-deps/zod/v4/core/errors.cjs'],
  },
  {
    question: 'how does eslint apply autofix fixes to the source text',
    expected: ['baton-deps/eslint/lib/linter/source-code-fixer.js', 'baton-deps/eslint/lib/linter/linter.js'],
  },
  {
    question: 'how does eslint handle eslint-disable-next-line comments and suppress the reported problems',
    expected: ['baton-deps/eslint/lib/linter/apply-disable-directives.js', 'baton-deps/eslint/lib/languages/js/source-code/source-code.js'],
  },
  {
    question: 'how does ajv compile a JSON schema into generated validation code',
    expected: [
      'baton-deps/ajv/lib/compile/index.ts',
      'baton-deps/ajv/dist_/compile/index.js',
      'baton-deps/ajv/lib/compile/validate/index.ts',
      'baton-deps/ajv/dist_/compile/validate/index.js',
      'baton-deps/eslint/node_modules_/ajv/lib/compile/index.js',
    ],
  },
  {
    question: 'how does semver compare prerelease identifiers when ordering versions',
    expected: ['baton-deps/semver/classes/semver.js', 'baton-deps/semver/internal/identifiers.js', 'baton-deps/parse-semver/node_modules_/semver/semver.js'],
  },
  {
    question: 'how does jsonwebtoken check that a token has expired or is not yet valid',
    expected: ['baton-deps/jsonwebtoken/verify.js'],
  },
  {
    question: 'how are brace patterns like {a,b} and {1..3} expanded into a list of strings',
    expected: ['baton-deps/brace-expansion/dist_/esm/index.js', 'baton-deps/brace-expansion/dist_/commonjs/index.js', 'extra-deps/brace-expansion/index.js'],
  },
  {
    question: 'how does commander parse options and arguments from the command line',
    expected: ['baton-deps/commander/lib/command.js', 'extra-deps/commander/index.js'],
  },
  {
    question: 'how does webpack hot module replacement apply an update in the browser runtime',
    expected: ['extra-deps/webpack/lib/hmr/HotModuleReplacement.runtime.js', 'extra-deps/webpack/lib/hmr/JavascriptHotModuleReplacement.runtime.js'],
  },
  {
    question: 'how does webpack split shared modules into separate chunks using cache groups',
    expected: ['extra-deps/webpack/lib/optimize/SplitChunksPlugin.js'],
  },
  {
    question: 'how does tapable generate the code that calls the registered hook taps',
    expected: ['extra-deps/tapable/lib/HookCodeFactory.js'],
  },
  {
    question: 'how does typeorm find the pending migrations and run them',
    expected: ['extra-deps/typeorm/migration/MigrationExecutor.js', 'extra-deps/typeorm/browser/migration/MigrationExecutor.js'],
  },
  {
    question: 'how does typeorm compare entity metadata with the database tables to synchronize the schema',
    expected: ['extra-deps/typeorm/schema-builder/RdbmsSchemaBuilder.js', 'extra-deps/typeorm/browser/schema-builder/RdbmsSchemaBuilder.js'],
  },
  {
    question: 'how does three.js compute smooth vertex normals for a geometry',
    expected: ['extra-deps/three/src/core/BufferGeometry.js'],
  },
  {
    question: 'how does the GLTF loader read binary .glb files',
    expected: ['extra-deps/three/examples/jsm/loaders/GLTFLoader.js'],
  },
  {
    question: 'how does switchMap unsubscribe from the previous inner observable when a new value arrives',
    expected: [
      'extra-deps/rxjs/src/internal/operators/switchMap.ts',
      'extra-deps/rxjs/dist_/esm/internal/operators/switchMap.js',
      'extra-deps/rxjs/dist_/esm5/internal/operators/switchMap.js',
      'extra-deps/rxjs/dist_/cjs/internal/operators/switchMap.js',
    ],
  },
  {
    question: 'how does the MongoDB driver choose a server that matches the read preference',
    expected: ['extra-deps/mongodb/src/sdam/server_selection.ts', 'extra-deps/mongodb/lib/sdam/server_selection.js'],
  },
  {
    question: 'how does the MongoDB driver retry an operation after a retryable error',
    expected: ['extra-deps/mongodb/src/operations/execute_operation.ts', 'extra-deps/mongodb/lib/operations/execute_operation.js'],
  },
  {
    question: 'how does puppeteer wait for a selector to appear on the page',
    expected: [
      `${PUPPETEER}/src/common/QueryHandler.ts`,
      `${PUPPETEER}/lib/esm/puppeteer/common/QueryHandler.js`,
      `${PUPPETEER}/lib/cjs/puppeteer/common/QueryHandler.js`,
      `${PUPPETEER}/src/common/WaitTask.ts`,
      `${PUPPETEER}/lib/esm/puppeteer/common/WaitTask.js`,
      `${PUPPETEER}/lib/cjs/puppeteer/common/WaitTask.js`,
      `${PUPPETEER}/src/api/Frame.ts`,
      `${PUPPETEER}/lib/esm/puppeteer/api/Frame.js`,
      `${PUPPETEER}/lib/cjs/puppeteer/api/Frame.js`,
    ],
  },
  {
    question: 'how does the editor compute the line diff between the original and the modified text',
    expected: [
      `${MONACO}/editor/common/diff/defaultLinesDiffComputer/defaultLinesDiffComputer.js`,
      `${MONACO}/editor/common/diff/defaultLinesDiffComputer/algorithms/myersDiffAlgorithm.js`,
      `${MONACO}/editor/common/diff/defaultLinesDiffComputer/algorithms/dynamicProgrammingDiffing.js`,
      `${MONACO}/editor/common/diff/legacyLinesDiffComputer.js`,
      `${MONACO}/base/common/diff/diff.js`,
    ],
  },
  {
    question: 'how does monaco tokenize source code with Monarch language definitions',
    expected: [`${MONACO}/editor/standalone/common/monarch/monarchLexer.js`, `${MONACO}/editor/standalone/common/monarch/monarchCompile.js`],
  },
  {
    question: 'how does the editor compute folding ranges from indentation',
    expected: [`${MONACO}/editor/contrib/folding/browser/indentRangeProvider.js`],
  },
  {
    question: 'how does echarts choose nice round tick intervals for a value axis',
    expected: ['extra-deps/echarts/lib/scale/helper.js', 'extra-deps/echarts/lib/scale/Interval.js', 'extra-deps/echarts/lib/util/number.js'],
  },
  {
    question: 'how does tensorflow.js pick the best registered backend',
    expected: ['extra-deps/@tensorflow/tfjs-core/dist_/engine.js'],
  },
  {
    question: 'how does babylon.js find the mesh under the mouse pointer by casting a ray',
    expected: ['extra-deps/@babylonjs/core/Culling/ray.core.js', 'extra-deps/@babylonjs/core/Culling/ray.js', 'extra-deps/@babylonjs/core/Inputs/scene.inputManager.js'],
  },
];

/**
 * Common English stop words (no code words), dropped from questions by the
 * baseline. Deliberately generic: the baseline is not tuned either.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  ('a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers him his how i ' +
    'if in into is it its itself just me more most my no nor not now of off on once only or other our ours out over own same ' +
    'she should so some such than that the their theirs them then there these they this those through to too under until up ' +
    'very was we were what when where which while who whom why will with would you your yours').split(' '),
);

/** The baseline's words of a question: lower-cased, stop words and one-letter words removed, each once. */
export function baselineWords(question: string): string[] {
  const words = question.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return [...new Set(words.filter((word) => word.length >= 2 && !STOP_WORDS.has(word)))];
}

/**
 * The grep-style baseline: ranks files by how many distinct question words
 * they contain (case-insensitive substring, as `grep -i` finds them), then by
 * how many times those words occur in all, then by path.
 */
export class WordCountBaseline {
  private readonly files: readonly string[];
  private readonly texts: readonly string[];
  private readonly counts = new Map<string, Uint32Array>();

  constructor(root: string, files: readonly string[]) {
    this.files = files;
    this.texts = files.map((file) => readFileSync(path.join(root, file), 'utf8').toLowerCase());
  }

  rank(question: string): string[] {
    const words = baselineWords(question).map((word) => this.occurrences(word));
    const scored: { file: string; distinct: number; total: number }[] = [];
    for (let index = 0; index < this.files.length; index++) {
      let distinct = 0;
      let total = 0;
      for (const counts of words) {
        const found = counts[index]!;
        if (found > 0) {
          distinct++;
          total += found;
        }
      }
      if (distinct > 0) scored.push({ file: this.files[index]!, distinct, total });
    }
    scored.sort((a, b) => b.distinct - a.distinct || b.total - a.total || (a.file < b.file ? -1 : 1));
    return scored.map((entry) => entry.file);
  }

  /** How many times `word` occurs in each file (cached: questions share words). */
  private occurrences(word: string): Uint32Array {
    let counts = this.counts.get(word);
    if (counts) return counts;
    counts = new Uint32Array(this.texts.length);
    this.texts.forEach((text, index) => {
      let found = 0;
      for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + word.length)) found++;
      counts![index] = found;
    });
    this.counts.set(word, counts);
    return counts;
  }
}

/** Files in the order of their first appearance in a ranked list of chunks. */
export function filesInOrder(results: readonly { readonly file: string }[]): string[] {
  return [...new Set(results.map((result) => result.file))];
}

/** 1-based rank of the first expected file in a ranking of files, or undefined when none is there. */
export function firstHitRank(ranking: readonly string[], expected: readonly string[]): number | undefined {
  const wanted = new Set(expected);
  const index = ranking.findIndex((file) => wanted.has(file));
  return index === -1 ? undefined : index + 1;
}

export interface QualityScore {
  /** Share of questions with an expected file among the top 5 files. */
  readonly top5HitRate: number;
  /** Mean reciprocal rank of the first expected file (0 for a question where none is ranked). */
  readonly mrr: number;
}

export function score(ranks: readonly (number | undefined)[]): QualityScore {
  const hits = ranks.filter((rank) => rank !== undefined && rank <= 5).length;
  const reciprocal = ranks.reduce<number>((sum, rank) => sum + (rank === undefined ? 0 : 1 / rank), 0);
  return { top5HitRate: hits / ranks.length, mrr: reciprocal / ranks.length };
}
