import type { SyntaxNode } from '../../chunk/grammars.ts';
import { inside, type DefinitionCollector, type Scope } from '../definitions.ts';

/**
 * Java: classes, records, interfaces, annotation types, enums, their methods
 * and constructors, nested types, and `static final` fields (constants).
 */
export function visitJava(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  switch (node.type) {
    case 'class_declaration':
    case 'record_declaration':
      typeDeclaration(node, 'class', scope, out);
      return;
    case 'interface_declaration':
    case 'annotation_type_declaration':
      typeDeclaration(node, 'interface', scope, out);
      return;
    case 'enum_declaration':
      typeDeclaration(node, 'enum', scope, out);
      return;
    case 'method_declaration':
    case 'constructor_declaration':
    case 'compact_constructor_declaration':
    case 'annotation_type_element_declaration':
      out.add('method', node.childForFieldName('name'), node, scope);
      return;
    case 'field_declaration':
    case 'constant_declaration':
      constants(node, scope, out);
      return;
    case 'enum_body_declarations':
      out.visit(node, scope);
  }
}

function typeDeclaration(node: SyntaxNode, kind: 'class' | 'interface' | 'enum', scope: Scope, out: DefinitionCollector): void {
  out.visit(node.childForFieldName('body'), inside(out.add(kind, node.childForFieldName('name'), node, scope), scope, 'type'));
}

/** `static final int MAX = 5;` in a class, and every field of an interface (implicitly static final). */
function constants(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  const isConstant = node.type === 'constant_declaration' || /^[^=;]*\bstatic\b[^=;]*\bfinal\b|^[^=;]*\bfinal\b[^=;]*\bstatic\b/.test(node.text);
  if (!isConstant) return;
  for (const declarator of node.childrenForFieldName('declarator')) out.add('constant', declarator?.childForFieldName('name'), node, scope);
}
