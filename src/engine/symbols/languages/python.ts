import type { SyntaxNode } from '../../chunk/grammars.ts';
import { inside, type DefinitionCollector, type Scope } from '../definitions.ts';

/** Statements whose blocks run at module level: `if __name__ == …`, `try: import … except: def …`. */
const MODULE_BLOCKS = new Set([
  'if_statement', 'elif_clause', 'else_clause', 'try_statement', 'except_clause', 'finally_clause', 'with_statement', 'block',
]);
/** What a definition nested in a function needs in its text. */
export const PYTHON_DEFINITION_WORDS: ReadonlySet<string> = new Set(['def', 'class']);
const UPPER_CASE_NAME = /^_*[A-Z][A-Z0-9_]*$/;

/**
 * Python: functions (methods inside a class), classes, nested functions and
 * classes, module-level variables (constants when in UPPER_CASE) and type
 * aliases. Decorators belong to the definition's extent.
 */
export function visitPython(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  switch (node.type) {
    case 'function_definition':
      visitBody(node, inside(out.add('function', node.childForFieldName('name'), node, scope), scope, 'function'), out);
      return;
    case 'class_definition':
      out.visit(node.childForFieldName('body'), inside(out.add('class', node.childForFieldName('name'), node, scope), scope, 'type'));
      return;
    case 'decorated_definition':
      decorated(node, scope, out);
      return;
    case 'expression_statement':
      if (scope.in === 'module') assignment(node.firstNamedChild, scope, out);
      return;
    case 'type_alias_statement':
      out.add('type', node.firstNamedChild?.firstNamedChild, node, scope);
      return;
    default:
      if (scope.in === 'module' && MODULE_BLOCKS.has(node.type)) out.visit(node, scope);
  }
}

/** `@decorator def f(): …`: the definition, with the decorators in its extent. */
function decorated(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  const definition = node.childForFieldName('definition');
  if (!definition) return;
  const kind = definition.type === 'class_definition' ? 'class' : 'function';
  const name = out.add(kind, definition.childForFieldName('name'), node, scope);
  if (kind === 'class') out.visit(definition.childForFieldName('body'), inside(name, scope, 'type'));
  else visitBody(definition, inside(name, scope, 'function'), out);
}

/** A function's body, for the functions and classes nested in it (skipped when it has none). */
function visitBody(definition: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  const body = definition.childForFieldName('body');
  if (body && out.holds(body)) out.visit(body, scope);
}

/** `NAME = …` and `name: int = …` at module level. */
function assignment(node: SyntaxNode | null, scope: Scope, out: DefinitionCollector): void {
  if (node?.type !== 'assignment') return;
  const left = node.childForFieldName('left');
  if (left?.type !== 'identifier') return;
  out.add(UPPER_CASE_NAME.test(left.text) ? 'constant' : 'variable', left, node, scope);
}
