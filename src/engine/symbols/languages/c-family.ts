import type { SyntaxNode } from '../../chunk/grammars.ts';
import { inside, type DefinitionCollector, type Scope } from '../definitions.ts';

const TYPE_KINDS: Record<string, 'class' | 'struct' | 'enum'> = {
  class_specifier: 'class',
  struct_specifier: 'struct',
  union_specifier: 'struct',
  enum_specifier: 'enum',
};

/** Nodes whose children are declarations of the same scope: `#ifdef` blocks, `extern "C" {…}`, templates. */
const TRANSPARENT = new Set([
  'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef', 'linkage_specification',
  'declaration_list', 'template_declaration', 'access_specifier',
]);

/** Declarators that wrap the one holding the name: `*f()`, `&g()`, `f[]`, `(f)`. */
const WRAPPING_DECLARATORS = new Set([
  'pointer_declarator', 'reference_declarator', 'array_declarator', 'parenthesized_declarator', 'init_declarator',
  'attributed_declarator',
]);

/**
 * C and C++ (one grammar): functions (methods inside a class, or when
 * qualified: `int Circle::area()` has Circle as container), member function
 * declarations, classes, structs, unions and enums with a body, typedefs and
 * `using` aliases, namespaces, macros (`#define` constants and function-like
 * macros), and global variables. Prototypes and `extern` declarations are
 * not definitions.
 */
export function visitCFamily(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  const type = node.type;
  const typeKind = TYPE_KINDS[type];
  if (typeKind) {
    typeSpecifier(node, typeKind, scope, out);
    return;
  }
  switch (type) {
    case 'function_definition':
      functionDefinition(node, scope, out);
      return;
    case 'declaration':
    case 'field_declaration':
      declaration(node, scope, out);
      return;
    case 'type_definition':
      typeDefinition(node, scope, out);
      return;
    case 'alias_declaration':
    case 'concept_definition':
      out.add('type', node.childForFieldName('name'), node, scope);
      return;
    case 'namespace_definition': {
      const nameNode = node.childForFieldName('name');
      out.visit(node.childForFieldName('body'), inside(out.add('namespace', nameNode, node, scope), scope, 'module'));
      return;
    }
    case 'preproc_def':
      out.add('constant', node.childForFieldName('name'), node, scope);
      return;
    case 'preproc_function_def':
      out.add('function', node.childForFieldName('name'), node, scope);
      return;
    default:
      if (TRANSPARENT.has(type)) out.visit(node, scope);
  }
}

/** `struct point {…}`, `class Circle : public Shape {…}`; a reference without a body (`struct point p;`) defines nothing. */
function typeSpecifier(node: SyntaxNode, kind: 'class' | 'struct' | 'enum', scope: Scope, out: DefinitionCollector): void {
  const body = node.childForFieldName('body');
  if (!body) return;
  const name = out.add(kind, node.childForFieldName('name'), node, scope);
  if (kind !== 'enum') out.visit(body, inside(name, scope, 'type'));
}

function functionDefinition(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  const declarator = functionDeclarator(node.childForFieldName('declarator'));
  const nameNode = declarator?.childForFieldName('declarator');
  if (!nameNode) return;
  addFunction(nameNode, node, scope, out);
}

/** `Circle::area` is a method of Circle; `ns::Shape::area` of ns::Shape. */
function addFunction(nameNode: SyntaxNode, extent: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  const text = nameNode.text;
  const separator = text.lastIndexOf('::');
  if (separator > 0 && nameNode.type === 'qualified_identifier') {
    const container = text.slice(0, separator).replace(/<.*>$/s, '');
    out.add('method', nameNode, extent, { container, in: 'type' }, text.slice(separator + 2));
  } else {
    out.add('function', nameNode, extent, scope);
  }
}

/** The function declarator under pointer and reference declarators, if this declares a function. */
function functionDeclarator(declarator: SyntaxNode | null): SyntaxNode | null {
  let current = declarator;
  for (let depth = 0; current && depth < 8; depth++) {
    const type = current.type;
    if (type === 'function_declarator') return current;
    if (!WRAPPING_DECLARATORS.has(type)) return null;
    current = current.childForFieldName('declarator');
  }
  return null;
}

/**
 * A declaration: in a class body, member functions (`double area() const;`)
 * and nested types; at file or namespace level, global variables. Prototypes
 * and `extern` declarations refer to definitions elsewhere.
 */
function declaration(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  const typeNode = node.childForFieldName('type');
  if (typeNode && TYPE_KINDS[typeNode.type]) visitCFamily(typeNode, scope, out);
  if (scope.in === 'function') return;
  const inType = scope.in === 'type';
  if (!inType && /^\s*extern\b/.test(node.text)) return;
  const constant = /^[^=;{(]*\b(?:const|constexpr)\b/.test(node.text);
  for (const declarator of node.childrenForFieldName('declarator')) {
    if (!declarator) continue;
    const function_ = functionDeclarator(declarator);
    if (function_) {
      const nameNode = function_.childForFieldName('declarator');
      if (inType && nameNode) out.add('method', nameNode, node, scope);
      continue;
    }
    if (inType) continue; // a data member: not recorded
    const nameNode = variableName(declarator);
    if (nameNode) out.add(constant ? 'constant' : 'variable', nameNode, node, scope);
  }
}

function variableName(declarator: SyntaxNode): SyntaxNode | null {
  let current: SyntaxNode | null = declarator;
  for (let depth = 0; current && depth < 8; depth++) {
    if (current.type === 'identifier') return current;
    if (!WRAPPING_DECLARATORS.has(current.type)) return null;
    current = current.childForFieldName('declarator');
  }
  return null;
}

/** `typedef struct {…} pair;`: the struct (when named) and the alias. */
function typeDefinition(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  const typeNode = node.childForFieldName('type');
  if (typeNode && TYPE_KINDS[typeNode.type]) visitCFamily(typeNode, scope, out);
  for (const declarator of node.childrenForFieldName('declarator')) {
    const function_ = declarator && functionDeclarator(declarator);
    const nameNode = function_ ? function_.childForFieldName('declarator') : declarator && typeName(declarator);
    if (nameNode) out.add('type', nameNode, node, scope);
  }
}

function typeName(declarator: SyntaxNode): SyntaxNode | null {
  let current: SyntaxNode | null = declarator;
  for (let depth = 0; current && depth < 8; depth++) {
    if (current.type === 'type_identifier' || current.type === 'primitive_type') return current;
    if (!WRAPPING_DECLARATORS.has(current.type)) return null;
    current = current.childForFieldName('declarator');
  }
  return null;
}
