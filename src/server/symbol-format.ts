import type { OutlineNode, FindReferencesToolOutput, FindSymbolToolOutput, OutlineToolOutput } from '../protocol/symbol-tools.ts';

/** Readable text for each symbol tool result; the same facts as its structuredContent. */

function noteLine(output: { note?: string | undefined }): string {
  return output.note ? `\nNote: ${output.note}` : '';
}

function where(output: { path: string; subfolder?: string | undefined }): string {
  return output.subfolder ? `${output.path}/${output.subfolder}` : output.path;
}

export function findSymbolText(output: FindSymbolToolOutput): string {
  if (output.results.length === 0) {
    return `No definition matches "${output.name}" in ${where(output)}. Try another spelling, a prefix, camel humps (e.g. "PCL"), or search_code.${noteLine(output)}`;
  }
  const more = output.truncated ? ' (more matches exist: raise limit or narrow with kind)' : '';
  const lines = output.results.map((result) => {
    const container = result.container ? ` in ${result.container}` : '';
    const flags = [result.match !== 'exact' ? result.match : '', result.role !== 'source' ? result.role : ''].filter(Boolean).join(', ');
    const head = `${result.file}:${result.line}  ${result.kind} ${result.name}${container} (lines ${result.startLine}-${result.endLine}${flags ? `; ${flags}` : ''})\n    ${result.signature}`;
    return result.source !== undefined ? `${head}\n\`\`\`\n${result.source}${result.sourceTruncated ? '\n…' : ''}\n\`\`\`` : head;
  });
  return `${output.results.length} definitions of "${output.name}" in ${where(output)}${more}:\n${lines.join('\n')}${noteLine(output)}`;
}

export function findReferencesText(output: FindReferencesToolOutput): string {
  if (output.results.length === 0) {
    return `No uses of "${output.name}" found in ${where(output)} (matched by name, in code; comments and strings are not searched).${noteLine(output)}`;
  }
  const more = output.truncated ? `; showing the first ${output.results.length}, raise limit for more` : '';
  const lines = output.results.map((result) => {
    const flags = [result.definition ? 'definition' : '', result.exactCase ? '' : 'other case', result.role !== 'source' ? result.role : ''].filter(Boolean).join(', ');
    const inside = result.enclosing ? `  [in ${result.enclosing.kind} ${result.enclosing.name}]` : '';
    return `${result.file}:${result.line}${flags ? ` (${flags})` : ''}${inside}\n    ${result.text}`;
  });
  return `"${output.name}" is used in ${output.fileCount} files of ${where(output)}${more} (by name, no type resolution):\n${lines.join('\n')}${noteLine(output)}`;
}

export function outlineText(output: OutlineToolOutput): string {
  if (output.symbols.length === 0) return `${output.file} (${output.language}) defines no symbols Baton records.${noteLine(output)}`;
  const lines: string[] = [];
  const walk = (nodes: readonly OutlineNode[], depth: number): void => {
    for (const node of nodes) {
      lines.push(`${'  '.repeat(depth)}${node.kind} ${node.name}  ${node.startLine}-${node.endLine}`);
      walk(node.children, depth + 1);
    }
  };
  walk(output.symbols, 0);
  return `Outline of ${output.file} (${output.language}):\n${lines.join('\n')}${noteLine(output)}`;
}
