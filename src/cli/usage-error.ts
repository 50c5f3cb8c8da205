/** A command line that does not parse: reported with a pointer to --help, exit code 2. */
export class UsageError extends Error {}
