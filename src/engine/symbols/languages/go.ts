import type { SyntaxNode } from '../../chunk/grammars.ts';
import { inside, type DefinitionCollector, type Scope } from '../definitions.ts';

/**
 * Go: functions, methods (with their receiver type as container), structs,
 * interfaces (with their methods), other named types and aliases, and
 * package-level constants and variables.
 */
export function visitGo(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  switch (node.type) {
    case 'function_declaration':
      out.add('function', node.childForFieldName('name'), node, scope);
      return;
    case 'method_declaration':
      out.add('method', node.childForFieldName('name'), node, { container: receiverType(node.childForFieldName('receiver')), in: 'type' });
      return;
    case 'type_declaration':
      out.visit(node, scope);
      return;
    case 'type_spec':
    case 'type_alias':
      typeSpec(node, scope, out);
      return;
    case 'const_declaration':
    case 'var_declaration':
    case 'const_spec_list':
    case 'var_spec_list':
      if (scope.in === 'module') out.visit(node, scope);
      return;
    case 'const_spec':
    case 'var_spec':
      for (const name of node.childrenForFieldName('name')) out.add(node.type === 'const_spec' ? 'constant' : 'variable', name, node, scope);
      return;
    case 'method_elem':
    case 'method_spec':
      out.add('method', node.childForFieldName('name'), node, scope);
  }
}

function typeSpec(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  const type = node.childForFieldName('type');
  const typeKind = type?.type;
  const kind = typeKind === 'struct_type' ? 'struct' : typeKind === 'interface_type' ? 'interface' : 'type';
  const name = out.add(kind, node.childForFieldName('name'), node, scope);
  if (kind === 'interface') out.visit(type, inside(name, scope, 'type'));
}

/** `(q *Queue)`, `(s Stack[T])` → Queue, Stack. */
function receiverType(receiver: SyntaxNode | null): string | undefined {
  const text = receiver?.text;
  if (!text) return undefined;
  const match = /([A-Za-z_][\w]*)\s*(?:\[[^\]]*\])?\s*\)\s*$/.exec(text);
  return match?.[1];
}
