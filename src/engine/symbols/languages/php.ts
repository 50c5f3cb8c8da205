import type { SyntaxNode } from '../../chunk/grammars.ts';
import { FILE_SCOPE, inside, type DefinitionCollector, type Scope } from '../definitions.ts';

const TYPE_KINDS: Record<string, 'class' | 'interface' | 'trait' | 'enum'> = {
  class_declaration: 'class',
  interface_declaration: 'interface',
  trait_declaration: 'trait',
  enum_declaration: 'enum',
};

/** PHP: namespaces, classes, interfaces, traits, enums, methods, functions and constants. */
export function visitPhp(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  const type = node.type;
  const typeKind = TYPE_KINDS[type];
  if (typeKind) {
    out.visit(node.childForFieldName('body'), inside(out.add(typeKind, node.childForFieldName('name'), node, scope), scope, 'type'));
    return;
  }
  switch (type) {
    case 'function_definition':
      out.add('function', node.childForFieldName('name'), node, scope);
      return;
    case 'method_declaration':
      out.add('method', node.childForFieldName('name'), node, scope);
      return;
    case 'const_declaration':
      for (const element of node.namedChildren) {
        if (element?.type === 'const_element') out.add('constant', element.firstNamedChild, node, scope);
      }
      return;
    case 'namespace_definition':
      out.visit(node.childForFieldName('body'), inside(out.add('namespace', node.childForFieldName('name'), node, scope), scope, 'module'));
  }
}

/** `namespace App\Http;` without braces applies to every declaration after it. */
export function visitPhpFile(root: SyntaxNode, out: DefinitionCollector): void {
  let scope = FILE_SCOPE;
  for (const child of root.namedChildren) {
    if (child?.type === 'namespace_definition' && !child.childForFieldName('body')) {
      scope = inside(out.add('namespace', child.childForFieldName('name'), child, FILE_SCOPE), FILE_SCOPE, 'module');
    } else if (child) {
      visitPhp(child, scope, out);
    }
  }
}
