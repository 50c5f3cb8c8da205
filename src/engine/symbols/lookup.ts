import type { IndexStore } from '../store/index-store.ts';
import { findReferences, type FindReferencesOptions, type ReferenceMatch } from './find-references.ts';
import { findSymbols, type FindSymbolOptions, type SymbolMatch } from './find-symbol.ts';
import { fileOutline, type OutlineSymbol } from './file-outline.ts';
import { symbolContext, type SymbolIndexInfo } from './symbol-context.ts';

export type { FindReferencesOptions, ReferenceMatch } from './find-references.ts';
export type { FindSymbolOptions, SymbolMatch } from './find-symbol.ts';
export type { OutlineSymbol } from './file-outline.ts';
export type { SymbolIndexInfo } from './symbol-context.ts';

export type FindSymbolResponse = SymbolIndexInfo & { readonly name: string; readonly results: SymbolMatch[]; readonly truncated: boolean };
export type FindReferencesResponse = SymbolIndexInfo & {
  readonly name: string;
  readonly results: ReferenceMatch[];
  readonly truncated: boolean;
  /** Files that use the name in any case (whatever the limit). */
  readonly fileCount: number;
};
export type FileOutlineResponse = SymbolIndexInfo & { readonly file: string; readonly language: string; readonly symbols: OutlineSymbol[] };

/**
 * Symbol queries over the shared index: reads only, so every process
 * (leader or follower) answers them from the database directly.
 */
export class SymbolLookup {
  private readonly store: IndexStore;

  constructor(store: IndexStore) {
    this.store = store;
  }

  findSymbol(input: string, name: string, options: FindSymbolOptions): FindSymbolResponse {
    const context = symbolContext(this.store, input);
    return { ...context.info, name, ...findSymbols(this.store, context, name, options) };
  }

  findReferences(input: string, name: string, options: FindReferencesOptions): FindReferencesResponse {
    const context = symbolContext(this.store, input);
    return { ...context.info, name, ...findReferences(this.store, context, name, options) };
  }

  fileOutline(input: string, file: string): FileOutlineResponse {
    const context = symbolContext(this.store, input, 'codebase');
    return { ...context.info, ...fileOutline(this.store, context, file) };
  }
}
