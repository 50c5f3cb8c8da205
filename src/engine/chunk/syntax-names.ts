import type { SyntaxNode } from './grammars.ts';

/**
 * Node types, across the shipped grammars, that define something a person
 * would search for by name: functions, methods, classes, types, modules.
 */
const DEFINITION_TYPES = new Set([
  // JavaScript / TypeScript
  'function_declaration', 'generator_function_declaration', 'class_declaration', 'abstract_class_declaration',
  'method_definition', 'interface_declaration', 'type_alias_declaration', 'enum_declaration', 'internal_module',
  'module', 'lexical_declaration', 'variable_declaration', 'export_statement', 'public_field_definition',
  'function_signature', 'abstract_method_signature', 'ambient_declaration',
  // Python
  'function_definition', 'class_definition', 'decorated_definition',
  // Go
  'method_declaration', 'type_declaration', 'const_declaration', 'var_declaration',
  // Rust
  'function_item', 'struct_item', 'enum_item', 'trait_item', 'impl_item', 'mod_item', 'macro_definition',
  'const_item', 'static_item', 'type_item', 'union_item', 'function_signature_item',
  // Java / C#
  'constructor_declaration', 'record_declaration', 'annotation_type_declaration', 'struct_declaration',
  'namespace_declaration', 'file_scoped_namespace_declaration', 'property_declaration', 'delegate_declaration',
  'destructor_declaration', 'operator_declaration', 'event_declaration',
  // C / C++
  'class_specifier', 'struct_specifier', 'enum_specifier', 'union_specifier', 'namespace_definition',
  'template_declaration', 'type_definition', 'alias_declaration', 'concept_definition',
  // Ruby
  'method', 'singleton_method', 'class',
  // PHP
  'trait_declaration',
]);

/** Declarations of variables: worth naming at module or class level, not inside a function. */
const VARIABLE_DECLARATIONS = new Set(['lexical_declaration', 'variable_declaration', 'const_declaration', 'var_declaration']);

/** Values that make a variable a definition wherever it is (`const handler = () => {}`). */
const FUNCTION_VALUES = new Set([
  'arrow_function', 'function_expression', 'function', 'generator_function', 'class', 'class_expression',
]);

/**
 * Node types whose body runs as a function: what is declared inside is local.
 * (Not `block`: Python calls class bodies that too.)
 */
const FUNCTION_TYPES = new Set([
  'function_declaration', 'generator_function_declaration', 'function_expression', 'function', 'generator_function',
  'arrow_function', 'method_definition', 'function_definition', 'function_item', 'closure_expression',
  'method_declaration', 'constructor_declaration', 'func_literal', 'lambda', 'lambda_expression', 'method',
  'singleton_method', 'anonymous_function', 'anonymous_function_creation_expression', 'local_function_statement',
  'accessor_declaration', 'anonymous_method_expression', 'destructor_declaration', 'operator_declaration',
]);

/** Types whose text is a name. */
const NAME_TYPES = new Set([
  'identifier', 'type_identifier', 'property_identifier', 'field_identifier', 'private_property_identifier',
  'qualified_identifier', 'scoped_identifier', 'destructor_name', 'operator_name', 'constant', 'name',
  'simple_identifier', 'namespace_identifier', 'scoped_type_identifier', 'generic_type', 'string_fragment',
  'qualified_name', 'namespace_name',
]);

/** Fields that lead from a definition to the part that holds its name. */
const NAME_PATH_FIELDS = ['name', 'declarator', 'declaration', 'definition', 'type'];

/** Wrappers whose definition is their last named child, in no field (`template <…> …`, `declare …`). */
const WRAPPER_TYPES = new Set(['template_declaration', 'ambient_declaration']);

/** Types whose named children each define something (`const a = 1, b = 2`, `type ( A int; B int )`). */
const DECLARATION_LISTS = new Set(['lexical_declaration', 'variable_declaration', 'type_declaration', 'const_declaration', 'var_declaration']);

const MAX_NAME_LENGTH = 120;

/** Whether what is declared inside `node` is local to a function. */
export function isFunctionLike(node: SyntaxNode): boolean {
  return FUNCTION_TYPES.has(node.type);
}

/** Comments and attributes: they describe the node that follows them. */
export function isLeadingTrivia(node: SyntaxNode): boolean {
  const type = node.type;
  return type.endsWith('comment') || type === 'attribute_item' || type === 'decorator';
}

/** The name a definition introduces, or undefined when it has none that can be read. */
function definitionName(node: SyntaxNode, depth = 0): string | undefined {
  if (depth > 6) return undefined;
  const type = node.type;
  if (NAME_TYPES.has(type)) return node.text.length <= MAX_NAME_LENGTH ? node.text : undefined;
  if (type === 'string') {
    // declare module "fs" {…}: the name is the string's content.
    const fragment = node.firstNamedChild;
    return fragment ? definitionName(fragment, depth + 1) : undefined;
  }
  for (const field of NAME_PATH_FIELDS) {
    const child = node.childForFieldName(field);
    if (child) {
      const name = definitionName(child, depth + 1);
      if (name) return name;
    }
  }
  if (DECLARATION_LISTS.has(type)) {
    const first = node.firstNamedChild;
    if (first) return definitionName(first, depth + 1);
  }
  if (WRAPPER_TYPES.has(type)) {
    const inner = node.lastNamedChild;
    if (inner) return definitionName(inner, depth + 1);
  }
  return undefined;
}

/** The name `node` defines, if it is a definition worth naming where it stands (`local`: inside a function). */
export function nameDefinedBy(node: SyntaxNode, local = false): string | undefined {
  const type = node.type;
  return DEFINITION_TYPES.has(type) ? ownName(node, type, local) : undefined;
}

/** The name of a definition of `type`; a plain variable inside a function goes unnamed. */
function ownName(node: SyntaxNode, type: string, local: boolean): string | undefined {
  if (local && VARIABLE_DECLARATIONS.has(type) && !holdsFunction(node)) return undefined;
  return definitionName(node);
}

/** How deep member names are collected: a namespace's classes' methods, no further. */
const MAX_MEMBER_DEPTH = 3;

/**
 * Names defined by `node`: its own, and those of its members (methods of a
 * class, classes of a namespace or module, functions of an impl block). A
 * function's body holds its locals and helpers, not names to find it by.
 */
export function namesDefinedBy(node: SyntaxNode, local = false): string[] {
  const names: string[] = [];
  collectNames(node, local, 0, names);
  return names;
}

function collectNames(node: SyntaxNode, local: boolean, depth: number, names: string[]): void {
  const type = node.type;
  if (type === 'ERROR') {
    // Tree-sitter wraps what it could not place (often a whole stretch of a file)
    // and keeps whole definitions in it.
    if (depth < MAX_MEMBER_DEPTH) collectMembers(node, local, depth, names);
    return;
  }
  if (!DEFINITION_TYPES.has(type)) return;
  const own = ownName(node, type, local);
  if (own) names.push(own);
  if (depth >= MAX_MEMBER_DEPTH) return;
  const owner = unwrap(node, type);
  if (FUNCTION_TYPES.has(owner === node ? type : owner.type)) return;
  const body = owner.childForFieldName('body');
  if (body) collectMembers(body, local, depth, names);
}

function collectMembers(parent: SyntaxNode, local: boolean, depth: number, names: string[]): void {
  for (const member of parent.namedChildren) if (member) collectNames(member, local, depth + 1, names);
}

/** The definition inside a wrapper (`export class`, a decorated Python class), or the node itself. */
function unwrap(node: SyntaxNode, type: string): SyntaxNode {
  if (WRAPPER_TYPES.has(type)) return node.lastNamedChild ?? node;
  return node.childForFieldName('declaration') ?? node.childForFieldName('definition') ?? node;
}

/** Whether a variable declaration's first variable is given a function or class. */
function holdsFunction(node: SyntaxNode): boolean {
  const value = node.firstNamedChild?.childForFieldName('value');
  return !!value && FUNCTION_VALUES.has(value.type);
}
