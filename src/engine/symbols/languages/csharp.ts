import type { SyntaxNode } from '../../chunk/grammars.ts';
import { FILE_SCOPE, inside, type DefinitionCollector, type Scope } from '../definitions.ts';

const TYPE_KINDS: Record<string, 'class' | 'struct' | 'interface' | 'enum'> = {
  class_declaration: 'class',
  record_declaration: 'class',
  record_struct_declaration: 'struct',
  struct_declaration: 'struct',
  interface_declaration: 'interface',
  enum_declaration: 'enum',
};

/**
 * C#: namespaces (block and file-scoped), classes, records, structs,
 * interfaces, enums, delegates (as types), methods, constructors and
 * destructors, and `const` fields.
 */
export function visitCSharp(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  const type = node.type;
  const typeKind = TYPE_KINDS[type];
  if (typeKind) {
    out.visit(node.childForFieldName('body'), inside(out.add(typeKind, node.childForFieldName('name'), node, scope), scope, 'type'));
    return;
  }
  switch (type) {
    case 'namespace_declaration':
      out.visit(node.childForFieldName('body'), inside(out.add('namespace', node.childForFieldName('name'), node, scope), scope, 'module'));
      return;
    case 'method_declaration':
    case 'constructor_declaration':
      out.add('method', node.childForFieldName('name'), node, scope);
      return;
    case 'destructor_declaration': {
      const nameNode = node.childForFieldName('name');
      out.add('method', nameNode, node, scope, nameNode ? `~${nameNode.text}` : undefined);
      return;
    }
    case 'delegate_declaration':
      out.add('type', node.childForFieldName('name'), node, scope);
      return;
    case 'field_declaration':
      constants(node, scope, out);
  }
}

/** `namespace A.B;` applies to every declaration after it in the file. */
export function visitCSharpFile(root: SyntaxNode, out: DefinitionCollector): void {
  let scope = FILE_SCOPE;
  for (const child of root.namedChildren) {
    if (child?.type === 'file_scoped_namespace_declaration') {
      scope = inside(out.add('namespace', child.childForFieldName('name'), child, FILE_SCOPE), FILE_SCOPE, 'module');
      // Grammars that nest the declarations inside it.
      out.visit(child, scope);
    } else if (child) {
      visitCSharp(child, scope, out);
    }
  }
}

/** `public const int Limit = 5;` */
function constants(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  if (!/^[^=;(]*\bconst\b/.test(node.text)) return;
  const declaration = node.namedChildren.find((child) => child?.type === 'variable_declaration');
  for (const declarator of declaration?.namedChildren ?? []) {
    if (declarator?.type === 'variable_declarator') out.add('constant', declarator.childForFieldName('name') ?? declarator.firstNamedChild, node, scope);
  }
}
