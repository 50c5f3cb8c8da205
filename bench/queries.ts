/**
 * The fixed query list of the search-latency figures: identifiers an agent
 * looks up (also answered by ripgrep for the comparison) and natural-language
 * questions. Every identifier occurs in the corpus; some are rare, some common.
 */
export const IDENTIFIER_QUERIES: readonly string[] = [
  'parseConfig',
  'StdioServerTransport',
  'safeParseAsync',
  'McpServer',
  'ReadBuffer',
  'ZodError',
  'lockSync',
  'SplitChunksPlugin',
  'HookCodeFactory',
  'MigrationExecutor',
  'SelectQueryBuilder',
  'BufferGeometry',
  'computeVertexNormals',
  'switchMap',
  'MongoClient',
  'readPreferenceServerSelector',
  'waitForSelector',
  'createPickingRay',
  'MonarchTokenizer',
  'intervalScaleNiceTicks',
];

export const NATURAL_LANGUAGE_QUERIES: readonly string[] = [
  'where does the MCP server validate tool input arguments',
  'how does proper-lockfile detect a stale lock',
  'where does zod format error messages',
  'how does the stdio transport read JSON-RPC messages',
  'how are HTTP request bodies parsed into JSON',
  'where is the retry backoff delay computed',
  'how does the websocket client reconnect after the connection drops',
  'where are command line flags parsed',
  'how is the shadow map rendered for directional lights',
  'where does the ORM escape SQL parameters',
  'how does the bundler resolve module paths',
  'how are cookies serialized into a Set-Cookie header',
  'where is the JSON schema compiled into a validator',
  'how does the linter report unused variables',
  'how is a glob pattern converted to a regular expression',
  'where does the driver handle connection pool timeouts',
  'how are animation keyframes interpolated',
  'how does the browser launcher find the Chrome executable',
  'where are gradients computed for matrix multiplication',
  'how does the editor handle undo and redo of text edits',
];
