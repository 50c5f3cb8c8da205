import path from 'node:path';
import type { Engine } from '../engine/engine.ts';
import { isSymbolKind, SYMBOL_KINDS } from '../engine/symbols/symbol.ts';
import { REFERENCE_LIMIT_DEFAULT, REFERENCE_LIMIT_MAX, SYMBOL_LIMIT_DEFAULT, SYMBOL_LIMIT_MAX } from '../protocol/symbol-tools.ts';
import { findReferencesText, findSymbolText, outlineText } from '../server/symbol-format.ts';
import { findReferencesAnswer, findSymbolAnswer, outlineAnswer } from '../server/symbol-outputs.ts';
import { UsageError } from './usage-error.ts';

/** The options the symbol commands read (parsed by main.ts). */
export interface SymbolCommandValues {
  readonly json?: boolean | undefined;
  readonly kind?: string | undefined;
  readonly exact?: boolean | undefined;
  readonly limit?: string | undefined;
  readonly source?: boolean | undefined;
  readonly definitions?: boolean | undefined;
}

export const SYMBOL_USAGE = `  symbols <path> <name>        Where a name is defined (exact, any case, prefix, camel humps)
      --kind K                   only this kind (${SYMBOL_KINDS.join(', ')})
      --exact                    only the exact spelling
      --source                   print each definition's source
      --limit N                  results (default ${SYMBOL_LIMIT_DEFAULT}, at most ${SYMBOL_LIMIT_MAX})
  refs <path> <name>           Where a name is used (by name, in code)
      --definitions              list its definitions first
      --limit N                  results (default ${REFERENCE_LIMIT_DEFAULT}, at most ${REFERENCE_LIMIT_MAX})
  outline <file>               The definitions of one indexed file, nested`;

/**
 * `baton symbols | refs | outline`: the symbol tools on the command line,
 * answered from the index directly (reads need no leader). `--json` prints
 * the tools' structuredContent; otherwise their text.
 */
export function runSymbolCommand(engine: Engine, command: 'symbols' | 'refs' | 'outline', args: readonly string[], values: SymbolCommandValues): number {
  let output: { text: string; json: unknown };
  if (command === 'outline') {
    if (args.length !== 1) throw new UsageError(`${args.length === 0 ? 'missing' : 'too many'} arguments: baton outline <file>`);
    const file = path.resolve(args[0]!);
    const answer = outlineAnswer(engine, { path: path.dirname(file), file });
    output = { text: outlineText(answer), json: answer };
  } else {
    if (args.length !== 2) throw new UsageError(`${args.length < 2 ? 'missing' : 'too many'} arguments: baton ${command} <path> <name>`);
    const [folder, name] = args as [string, string];
    if (name.trim() === '' || /\s/.test(name.trim())) throw new UsageError('<name> must be one identifier, e.g. parseConfig');
    if (command === 'symbols') {
      const kind = values.kind;
      if (kind !== undefined && !isSymbolKind(kind)) throw new UsageError(`--kind must be one of: ${SYMBOL_KINDS.join(', ')}`);
      const answer = findSymbolAnswer(engine, {
        path: path.resolve(folder),
        name: name.trim(),
        kind,
        exact: values.exact,
        limit: limit(values.limit, SYMBOL_LIMIT_DEFAULT, SYMBOL_LIMIT_MAX),
        includeSource: values.source,
      });
      output = { text: findSymbolText(answer), json: answer };
    } else {
      const answer = findReferencesAnswer(engine, {
        path: path.resolve(folder),
        name: name.trim(),
        limit: limit(values.limit, REFERENCE_LIMIT_DEFAULT, REFERENCE_LIMIT_MAX),
        includeDefinitions: values.definitions,
      });
      output = { text: findReferencesText(answer), json: answer };
    }
  }
  process.stdout.write(`${values.json ? JSON.stringify(output.json, null, 2) : output.text}\n`);
  return 0;
}

function limit(value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > max) throw new UsageError(`--limit must be a whole number from 1 to ${max}`);
  return parsed;
}
