import type { Engine } from '../engine/engine.ts';
import {
  REFERENCE_LIMIT_DEFAULT,
  SYMBOL_LIMIT_DEFAULT,
  type FindReferencesToolInput,
  type FindReferencesToolOutput,
  type FindSymbolToolInput,
  type FindSymbolToolOutput,
  type OutlineToolInput,
  type OutlineToolOutput,
} from '../protocol/symbol-tools.ts';

/**
 * The symbol tools' answers, from the engine of this process (reads only:
 * a follower answers them from the shared index like a leader). The CLI
 * prints the same objects.
 */
export function findSymbolAnswer(engine: Engine, input: FindSymbolToolInput): FindSymbolToolOutput {
  const { root, ...rest } = engine.symbols.findSymbol(input.path, input.name, {
    kind: input.kind,
    exact: input.exact,
    limit: input.limit ?? SYMBOL_LIMIT_DEFAULT,
    includeSource: input.includeSource,
  });
  return { path: root, ...rest };
}

export function findReferencesAnswer(engine: Engine, input: FindReferencesToolInput): FindReferencesToolOutput {
  const { root, ...rest } = engine.symbols.findReferences(input.path, input.name, {
    limit: input.limit ?? REFERENCE_LIMIT_DEFAULT,
    includeDefinitions: input.includeDefinitions,
  });
  return { path: root, ...rest };
}

export function outlineAnswer(engine: Engine, input: OutlineToolInput): OutlineToolOutput {
  const { root, ...rest } = engine.symbols.fileOutline(input.path, input.file);
  return { path: root, ...rest };
}

