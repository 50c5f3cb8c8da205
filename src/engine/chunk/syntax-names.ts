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
  // C / C++
  'class_specifier', 'struct_specifier', 'enum_specifier', 'union_specifier', 'namespace_definition',
  'template_declaration',
  // Ruby
  'method', 'singleton_method', 'class',
  // PHP
  'trait_declaration',
]);

/** Types whose text is a name. */
const NAME_TYPES = new Set([
  'identifier', 'type_identifier', 'property_identifier', 'field_identifier', 'private_property_identifier',
  'qualified_identifier', 'scoped_identifier', 'destructor_name', 'operator_name', 'constant', 'name',
  'simple_identifier', 'namespace_identifier', 'scoped_type_identifier', 'generic_type',
]);

/** Fields that lead from a definition to the part that holds its name. */
const NAME_PATH_FIELDS = ['name', 'declarator', 'declaration', 'definition', 'type'];

/** Types whose named children each define something (`const a = 1, b = 2`, `type ( A int; B int )`). */
const DECLARATION_LISTS = new Set(['lexical_declaration', 'variable_declaration', 'type_declaration', 'const_declaration', 'var_declaration']);

const MAX_NAME_LENGTH = 120;

export function isDefinition(node: SyntaxNode): boolean {
  return DEFINITION_TYPES.has(node.type);
}

/** The name a definition introduces, or undefined when it has none that can be read. */
export function definitionName(node: SyntaxNode, depth = 0): string | undefined {
  if (depth > 6) return undefined;
  if (NAME_TYPES.has(node.type)) return node.text.length <= MAX_NAME_LENGTH ? node.text : undefined;
  for (const field of NAME_PATH_FIELDS) {
    const child = node.childForFieldName(field);
    if (child) {
      const name = definitionName(child, depth + 1);
      if (name) return name;
    }
  }
  if (DECLARATION_LISTS.has(node.type)) {
    const first = node.firstNamedChild;
    if (first) return definitionName(first, depth + 1);
  }
  return undefined;
}

/**
 * Names defined by `node`: its own, and one level of members inside its body
 * (methods of a class, functions of an impl block or module).
 */
export function namesDefinedBy(node: SyntaxNode): string[] {
  if (!isDefinition(node)) return [];
  const names: string[] = [];
  const own = definitionName(node);
  if (own) names.push(own);
  const body = node.childForFieldName('body') ?? node.childForFieldName('declaration')?.childForFieldName('body');
  if (body) {
    for (const member of body.namedChildren) {
      if (member && isDefinition(member)) {
        const name = definitionName(member);
        if (name) names.push(name);
      }
    }
  }
  return names;
}
