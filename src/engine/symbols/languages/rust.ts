import type { SyntaxNode } from '../../chunk/grammars.ts';
import { inside, type DefinitionCollector, type Scope } from '../definitions.ts';

/** What an item nested in a function body needs in its text. */
export const RUST_DEFINITION_WORDS: ReadonlySet<string> = new Set(['fn', 'struct', 'enum', 'trait', 'impl', 'mod', 'union', 'type']);

/**
 * Rust: functions (methods inside an impl or trait, with the implemented type
 * or the trait as container), structs and unions, enums, traits, modules,
 * type aliases, constants and statics. An impl block is not a definition of
 * its own: its items name its type as their container.
 */
export function visitRust(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  switch (node.type) {
    case 'function_item': {
      const name = out.add('function', node.childForFieldName('name'), node, scope);
      const body = node.childForFieldName('body');
      if (body && out.holds(body)) out.visit(body, inside(name, scope, 'function'));
      return;
    }
    case 'function_signature_item':
      out.add('function', node.childForFieldName('name'), node, scope);
      return;
    case 'struct_item':
    case 'union_item':
      out.add('struct', node.childForFieldName('name'), node, scope);
      return;
    case 'enum_item':
      out.add('enum', node.childForFieldName('name'), node, scope);
      return;
    case 'trait_item':
      out.visit(node.childForFieldName('body'), inside(out.add('trait', node.childForFieldName('name'), node, scope), scope, 'type'));
      return;
    case 'impl_item':
      out.visit(node.childForFieldName('body'), { container: implementedType(node.childForFieldName('type')) ?? scope.container, in: 'type' });
      return;
    case 'mod_item':
      out.visit(node.childForFieldName('body'), inside(out.add('module', node.childForFieldName('name'), node, scope), scope, 'module'));
      return;
    case 'type_item':
      out.add('type', node.childForFieldName('name'), node, scope);
      return;
    case 'const_item':
      out.add('constant', node.childForFieldName('name'), node, scope);
      return;
    case 'static_item':
      out.add('variable', node.childForFieldName('name'), node, scope);
      return;
    case 'block':
    case 'expression_statement':
      // Items declared inside a function body (reached only when its text has one).
      if (scope.in === 'function') out.visit(node, scope);
  }
}

/** `Matrix`, `Matrix<T>`, `fmt::Display`, `&Matrix` → the type's own name. */
function implementedType(type: SyntaxNode | null): string | undefined {
  const text = type?.text.replace(/<.*$/s, '').replace(/^[&\s]*(?:mut\s+)?/, '');
  if (!text) return undefined;
  return text.slice(text.lastIndexOf(':') + 1) || undefined;
}
