import type { SyntaxNode } from '../../chunk/grammars.ts';
import { inside, type DefinitionCollector, type Scope } from '../definitions.ts';

/**
 * Ruby: classes, modules, methods (`def self.x` too; a `def` outside any class
 * is a function), `class << self` blocks, and constants assigned at class,
 * module or file level.
 */
export function visitRuby(node: SyntaxNode, scope: Scope, out: DefinitionCollector): void {
  switch (node.type) {
    case 'class':
    case 'module': {
      const { name, qualifier } = constantName(node);
      const kind = node.type === 'class' ? 'class' : 'module';
      const named = qualifier ? { container: qualifier, in: scope.in } : scope;
      out.visit(node, inside(out.add(kind, node.childForFieldName('name'), node, named, name), scope, 'type'));
      return;
    }
    case 'method':
      out.add(scope.container === undefined ? 'function' : 'method', node.childForFieldName('name'), node, scope);
      return;
    case 'singleton_method':
      out.add('method', node.childForFieldName('name'), node, scope.in === 'function' ? scope : { container: scope.container, in: 'type' });
      return;
    case 'singleton_class':
    case 'body_statement':
    case 'begin_block':
      if (scope.in !== 'function') out.visit(node, scope);
      return;
    case 'assignment': {
      const left = node.childForFieldName('left');
      if (left?.type === 'constant') out.add('constant', left, node, scope);
    }
  }
}

/** `class Foo::Bar` is Bar, in Foo. */
function constantName(node: SyntaxNode): { name: string | undefined; qualifier: string | undefined } {
  const text = node.childForFieldName('name')?.text;
  const separator = text?.lastIndexOf('::') ?? -1;
  if (!text || separator < 0) return { name: text, qualifier: undefined };
  return { name: text.slice(separator + 2), qualifier: text.slice(0, separator).replace(/^::/, '') || undefined };
}
