import type { SyntaxNode } from './grammars.ts';

/** A run of lines (1-based, inclusive) that holds test code inside a source file. */
export interface LineRange {
  readonly first: number;
  readonly last: number;
}

/** `#[cfg(test)]`, `#[cfg(all(test, …))]`: the item after it only exists in test builds. */
const RUST_TEST_ATTRIBUTE = /^#\[cfg\(\s*(all\(\s*)?test\b/;

/**
 * The test code inside a source file that the syntax tree shows: Rust's
 * `#[cfg(test)] mod tests { … }` (and `#[cfg(test)]` functions), from the
 * attribute to the end of the item. Only the top level and the modules in it
 * are looked at, where such modules live. Other languages keep their tests in
 * files of their own, which the path tells apart.
 */
export function testRegions(root: SyntaxNode, grammar: string): LineRange[] {
  if (grammar !== 'rust') return [];
  const regions: LineRange[] = [];
  collectRustTests(root, regions, 0);
  return regions;
}

function collectRustTests(parent: SyntaxNode, regions: LineRange[], depth: number): void {
  const items = parent.namedChildren;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (!item) continue;
    if (item.type === 'attribute_item' && RUST_TEST_ATTRIBUTE.test(item.text)) {
      // Further attributes may sit between the cfg and the item (#[cfg(test)] #[allow(…)] mod tests).
      let target = index + 1;
      while (items[target]?.type === 'attribute_item' || items[target]?.type === 'line_comment') target++;
      const tested = items[target];
      if (tested) regions.push({ first: item.startPosition.row + 1, last: tested.endPosition.row + 1 });
      index = target;
      continue;
    }
    if (item.type === 'mod_item' && depth < 2) {
      const body = item.childForFieldName('body');
      if (body) collectRustTests(body, regions, depth + 1);
    }
  }
}

/** Whether most of the lines first..last lie in the regions. */
export function mostlyInside(first: number, last: number, regions: readonly LineRange[]): boolean {
  if (regions.length === 0) return false;
  let inside = 0;
  for (const region of regions) {
    const from = Math.max(first, region.first);
    const to = Math.min(last, region.last);
    if (to >= from) inside += to - from + 1;
  }
  return inside * 2 > last - first + 1;
}
