import type { SyntaxNode } from '../../chunk/grammars.ts';
import { inside, type DefinitionCollector, type Scope } from '../definitions.ts';

/** Values that make a variable or field a function or a class (`const handler = () => {}`). */
const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);
const CLASS_VALUES = new Set(['class', 'class_expression']);

/** Expressions through which functions given as values are looked for (callbacks, object members, wrappers). */
const VALUE_CARRIERS = new Set([
  'call_expression', 'new_expression', 'arguments', 'object', 'pair', 'array', 'parenthesized_expression',
  'sequence_expression', 'await_expression', 'ternary_expression', 'member_expression', 'unary_expression',
  'spread_element', 'assignment_expression', 'as_expression', 'satisfies_expression',
]);
const MAX_VALUE_DEPTH = 10;
/**
 * What a definition inside a function body or an expression needs in its
 * code: a function, a class, an interface, enum or namespace (an arrow's `=>`
 * only at top level; not `type`, which is mostly a property name). The
 * reference scan notes where they are; subtrees without one are not walked.
 */
export const JAVASCRIPT_DEFINITION_WORDS: ReadonlySet<string> = new Set(['=>', 'function', 'class', 'interface', 'enum', 'namespace']);

/**
 * Statements whose blocks hold declarations of the scope around them: at top
 * level, a library wrapped in `if (typeof window !== 'undefined') {…}` defines
 * top-level names; in a function, a helper declared in an `if` block is still
 * its helper.
 */
const BLOCK_STATEMENTS = new Set([
  'statement_block', 'if_statement', 'else_clause', 'try_statement', 'catch_clause', 'finally_clause', 'for_statement',
  'for_in_statement', 'while_statement', 'do_statement', 'labeled_statement', 'switch_statement', 'switch_body', 'switch_case',
  'switch_default',
]);

const OPEN_PARENTHESIS = 40;
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;

/**
 * JavaScript, TypeScript and TSX: functions, classes and their methods,
 * interfaces (with their method signatures), type aliases, enums, namespaces
 * and modules, top-level constants and variables, and the CommonJS and
 * prototype forms (`exports.f = function…`, `A.prototype.m = function…`).
 * Code inside an immediately-invoked function (UMD and AMD wrappers, bundles)
 * counts as top level; named functions declared inside functions and
 * callbacks are recorded too (with the enclosing function as container).
 *
 * Each node's `type` is a call into the parser's memory, so it is read once;
 * what the text shows (a keyword, a bracket) is read from the text instead.
 */
export function visitJavaScript(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  // Imports define nothing (`import(…)` is a call, read as an expression).
  if (out.text.startsWith('import', node.startIndex) && out.text.charCodeAt(node.startIndex + 6) !== OPEN_PARENTHESIS) return;
  switch (node.type) {
    case 'function_declaration':
    case 'generator_function_declaration':
      visitFunctionBody(node.childForFieldName('body'), inside(out.add('function', node.childForFieldName('name'), node, scope), scope, 'function'), out);
      return;
    case 'function_signature':
      out.add('function', node.childForFieldName('name'), node, scope);
      return;
    case 'class_declaration':
    case 'abstract_class_declaration':
      out.visit(node.childForFieldName('body'), inside(out.add('class', node.childForFieldName('name'), node, scope), scope, 'type'));
      return;
    case 'method_definition':
      visitFunctionBody(node.childForFieldName('body'), inside(out.add('method', node.childForFieldName('name'), node, scope), scope, 'function'), out);
      return;
    case 'method_signature':
    case 'abstract_method_signature':
      out.add('method', node.childForFieldName('name'), node, scope);
      return;
    case 'public_field_definition':
    case 'field_definition':
      fieldDefinition(node, scope, out);
      return;
    case 'interface_declaration':
      out.visit(node.childForFieldName('body'), inside(out.add('interface', node.childForFieldName('name'), node, scope), scope, 'type'));
      return;
    case 'type_alias_declaration':
      out.add('type', node.childForFieldName('name'), node, scope);
      return;
    case 'enum_declaration':
      out.add('enum', node.childForFieldName('name'), node, scope);
      return;
    case 'internal_module':
      moduleDeclaration(node, 'namespace', scope, out);
      return;
    case 'module':
      moduleDeclaration(node, 'module', scope, out);
      return;
    case 'lexical_declaration':
    case 'variable_declaration':
      variableDeclaration(node, scope, out);
      return;
    case 'expression_statement':
      expressionStatement(node.firstNamedChild, scope, out);
      return;
    case 'return_statement':
      functionsIn(node.firstNamedChild, scope, out, 0);
      return;
    case 'export_statement':
      out.visit(node, scope);
      // `export default (function () {…})`, `export default defineConfig({…})`.
      functionsIn(node.childForFieldName('value'), scope, out, 0);
      return;
    case 'ambient_declaration':
      out.visit(node, scope);
      return;
    default:
      // Blocks (`declare global { … }` too), read when they hold a definition's keyword.
      if (scope.in !== 'type' && BLOCK_STATEMENTS.has(node.type) && out.holds(node, scope.in === 'module')) out.visit(node, scope);
  }
}

/** `namespace A.B { … }`, `module M { … }`, `declare module "fs" { … }`. */
function moduleDeclaration(node: SyntaxNode, kind: 'namespace' | 'module', scope: Scope, out: DefinitionCollector): void {
  const nameNode = node.childForFieldName('name');
  const quoted = nameNode && startsWith(out, nameNode, '"', "'");
  const name = quoted ? nameNode.text.slice(1, -1) : nameNode?.text;
  out.visit(node.childForFieldName('body'), inside(out.add(kind, nameNode, node, scope, name), scope, 'module'));
}

/** Class fields holding a function (`onClick = () => {…}`) are methods; other fields are not recorded. */
function fieldDefinition(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  const value = node.childForFieldName('value');
  if (!value || !FUNCTION_VALUES.has(value.type)) return;
  const nameNode = node.childForFieldName('name') ?? node.childForFieldName('property');
  visitFunctionBody(value.childForFieldName('body'), inside(out.add('method', nameNode, node, scope), scope, 'function'), out);
}

/**
 * `const a = 1, f = () => {}`: each declarator is a definition. Inside a
 * function only those holding a function or a class are (the rest are locals).
 */
function variableDeclaration(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  const constant = startsWith(out, node, 'const');
  for (const declarator of node.namedChildren) {
    // Declarators, and comments between them.
    const nameNode = declarator?.childForFieldName('name');
    if (!declarator || !nameNode) continue;
    if (isPattern(out, nameNode)) {
      // `const { a, b: c } = x` at top level defines a and c; `= require("…")` only imports them.
      const value = declarator.childForFieldName('value');
      const imports = !!value && startsWith(out, value, 'require(');
      if (scope.in === 'module' && !imports) for (const name of patternNames(nameNode)) out.add(constant ? 'constant' : 'variable', name, declarator, scope);
      continue;
    }
    const value = unwrapParentheses(declarator.childForFieldName('value'), out);
    const valueType = value?.type;
    if (value && valueType && FUNCTION_VALUES.has(valueType)) {
      visitFunctionBody(value.childForFieldName('body'), inside(out.add('function', nameNode, declarator, scope), scope, 'function'), out);
    } else if (value && valueType && CLASS_VALUES.has(valueType)) {
      out.visit(value.childForFieldName('body'), inside(out.add('class', nameNode, declarator, scope), scope, 'type'));
    } else {
      const name = scope.in === 'module' ? out.add(constant ? 'constant' : 'variable', nameNode, declarator, scope) : undefined;
      // `const Foo = (function () { function Foo() {…} … })()`: compiled classes, factories.
      if (value && valueType && VALUE_CARRIERS.has(valueType)) functionsIn(value, { container: name ?? scope.container, in: scope.in }, out, 0, valueType);
    }
  }
}

/**
 * An expression statement: an assignment of a function or class, code that a
 * wrapper runs at once (its definitions count as top level at top level), or
 * any other expression, whose callbacks may define named functions.
 */
function expressionStatement(expression: SyntaxNode | null, scope: Scope, out: DefinitionCollector): void {
  if (!expression) return;
  // `namespace A {}` inside a block parses as an expression.
  if (startsWith(out, expression, 'namespace') && expression.type === 'internal_module') {
    moduleDeclaration(expression, 'namespace', scope, out);
    return;
  }
  // An arrow is a definition only when assigned at top level (`exports.f = () => …`).
  if (!out.holds(expression, scope.in === 'module')) return;
  const type = expression.type;
  if (type === 'assignment_expression') {
    assignment(expression, scope, out);
    return;
  }
  const bodies = scope.in === 'module' ? wrappedModuleBodies(expression, type, out, 0) : [];
  if (bodies.length > 0) for (const body of bodies) out.visit(body, scope);
  else functionsIn(expression, scope, out, 0, type);
}

/**
 * Functions reachable through an expression (arguments, object members, array
 * items…): a named one (`function tag(elem) {…}`) is a definition; the bodies
 * of all of them are visited for the named functions they declare.
 */
function functionsIn(node: SyntaxNode | null, scope: Scope, out: DefinitionCollector, depth: number, known?: string): void {
  if (!node || depth > MAX_VALUE_DEPTH) return;
  const type = known ?? node.type;
  if (FUNCTION_VALUES.has(type)) {
    const name = out.add('function', node.childForFieldName('name'), node, scope);
    const body = node.childForFieldName('body');
    if (body && startsWith(out, body, '{')) visitFunctionBody(body, inside(name, scope, 'function'), out);
    else functionsIn(body, scope, out, depth + 1);
  } else if (type === 'method_definition') {
    // An object literal's method: not a definition of its own, but it may hold some.
    visitFunctionBody(node.childForFieldName('body'), { container: scope.container, in: 'function' }, out);
  } else if (CLASS_VALUES.has(type)) {
    out.visit(node.childForFieldName('body'), inside(out.add('class', node.childForFieldName('name'), node, scope), scope, 'type'));
  } else if (VALUE_CARRIERS.has(type) && out.holds(node)) {
    for (const child of node.namedChildren) functionsIn(child, scope, out, depth + 1);
  }
}

/**
 * `exports.parse = function…`, `module.exports = class Parser {…}`,
 * `Parser.prototype.parse = …`, `Parser.create = …`, `parse = function…`: a
 * function or class given to a name. Other values are searched for callbacks.
 */
function assignment(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  const left = node.childForFieldName('left');
  const right = unwrapParentheses(node.childForFieldName('right'), out);
  if (!left || !right) return;
  const rightType = right.type;
  const isFunction = FUNCTION_VALUES.has(rightType);
  if (!isFunction && !CLASS_VALUES.has(rightType)) {
    functionsIn(right, scope, out, 0, rightType);
    return;
  }
  let memberScope = scope;
  let nameNode: SyntaxNode | null = null;
  const leftType = left.type;
  if (leftType === 'member_expression') {
    const owner = ownerOf(left.childForFieldName('object'));
    memberScope = owner.prototype ? { container: owner.name, in: 'type' } : { container: owner.name ?? scope.container, in: scope.in === 'type' ? 'module' : scope.in };
    nameNode = left.childForFieldName('property');
  } else if (leftType === 'identifier') {
    nameNode = left;
  }
  // A named value (`= class Parser {…}`, `= function parse() {…}`) is known by its own name.
  const ownName = right.childForFieldName('name');
  if (ownName && (!nameNode || nameNode.text === 'exports')) nameNode = ownName;
  const name = out.add(isFunction ? 'function' : 'class', nameNode, node, memberScope);
  const body = right.childForFieldName('body');
  if (!body) return;
  if (!isFunction) out.visit(body, inside(name, memberScope, 'type'));
  else if (startsWith(out, body, '{')) visitFunctionBody(body, inside(name, memberScope, 'function'), out);
  else functionsIn(body, memberScope, out, 1);
}

/** Who a property is assigned on: `A.prototype` (a method of A), `A` (a function kept on A), or `exports` (none). */
function ownerOf(target: SyntaxNode | null): { name: string | undefined; prototype: boolean } {
  if (!target) return { name: undefined, prototype: false };
  const type = target.type;
  if (type === 'member_expression' && target.childForFieldName('property')?.text === 'prototype') {
    const owner = target.childForFieldName('object');
    return { name: owner?.type === 'identifier' ? owner.text : undefined, prototype: true };
  }
  if (type === 'identifier' && target.text !== 'exports' && target.text !== 'module') return { name: target.text, prototype: false };
  return { name: undefined, prototype: false };
}

/**
 * Bodies of functions that a top-level expression runs as a module: an
 * immediately-invoked function (`(function () {…})()`, `!function(){…}()`), the
 * functions a UMD wrapper or `define([…], function…)` is given.
 */
function wrappedModuleBodies(expression: SyntaxNode, type: string, out: DefinitionCollector, depth: number): SyntaxNode[] {
  if (depth > 4) return [];
  switch (type) {
    case 'parenthesized_expression':
    case 'unary_expression':
    case 'sequence_expression':
      return expression.namedChildren.flatMap((child) => (child ? wrappedModuleBodies(child, child.type, out, depth + 1) : []));
    case 'call_expression': {
      const callee = unwrapParentheses(expression.childForFieldName('function'), out);
      const calleeType = callee?.type;
      const calleeIsFunction = !!calleeType && FUNCTION_VALUES.has(calleeType);
      if (!callee || (!calleeIsFunction && callee.text !== 'define')) return [];
      const bodies = calleeIsFunction ? [callee.childForFieldName('body')] : [];
      for (const item of expression.childForFieldName('arguments')?.namedChildren ?? []) {
        const argument = unwrapParentheses(item, out);
        if (argument && FUNCTION_VALUES.has(argument.type)) bodies.push(argument.childForFieldName('body'));
      }
      return bodies.filter((body): body is SyntaxNode => !!body && startsWith(out, body, '{'));
    }
    default:
      return [];
  }
}

/** The expression inside parentheses, `((f))` → `f`. */
function unwrapParentheses(node: SyntaxNode | null | undefined, out: DefinitionCollector): SyntaxNode | null {
  let current = node ?? null;
  while (current && out.text.charCodeAt(current.startIndex) === OPEN_PARENTHESIS && current.type === 'parenthesized_expression') {
    current = current.firstNamedChild;
  }
  return current;
}

/**
 * Visits the statements of a function body, for the functions, classes and
 * types declared there; a body with none of their keywords is skipped unread
 * (most are), which keeps the walk to a fraction of the tree.
 */
function visitFunctionBody(body: SyntaxNode | null, scope: Scope, out: DefinitionCollector): void {
  if (body && out.holds(body)) out.visit(body, scope);
}

/** The names a destructuring pattern binds, one level deep (`{ a, b: c }` → a, c; `[x, y]` → x, y). */
function patternNames(pattern: SyntaxNode): SyntaxNode[] {
  const names: SyntaxNode[] = [];
  for (const part of pattern.namedChildren) {
    if (!part) continue;
    const type = part.type;
    if (type === 'shorthand_property_identifier_pattern' || type === 'identifier') names.push(part);
    else if (type === 'pair_pattern') {
      const value = part.childForFieldName('value');
      if (value?.type === 'identifier') names.push(value);
    } else if (type === 'assignment_pattern' || type === 'object_assignment_pattern') {
      const left = part.childForFieldName('left');
      if (left && (left.type === 'identifier' || left.type === 'shorthand_property_identifier_pattern')) names.push(left);
    }
  }
  return names;
}

/** `{ a, b }` and `[a, b]`: a destructuring pattern. */
function isPattern(out: DefinitionCollector, node: SyntaxNode): boolean {
  const first = out.text.charCodeAt(node.startIndex);
  return first === OPEN_BRACE || first === OPEN_BRACKET;
}

function startsWith(out: DefinitionCollector, node: SyntaxNode, ...prefixes: string[]): boolean {
  return prefixes.some((prefix) => out.text.startsWith(prefix, node.startIndex));
}
