/**
 * Counts the lines of a TypeScript file that hold code, the way the "at most 60 code
 * lines" means it: blank lines and lines holding only comments do not count. The TypeScript
 * parser finds the tokens, so a `//` inside a string or a regular expression is not a comment.
 */
import ts from 'typescript';

export function codeLineCount(source: string, fileName = 'source.ts'): number {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const codeLines = new Set<number>();
  const visit = (node: ts.Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    const children = node.getChildren(file);
    if (children.length > 0) {
      children.forEach(visit);
      return;
    }
    // The end-of-file token and empty lists take no characters, so no line.
    if (node.getWidth(file) === 0) return;
    const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
    const last = file.getLineAndCharacterOfPosition(node.getEnd()).line;
    for (let line = first; line <= last; line += 1) codeLines.add(line);
  };
  visit(file);
  return codeLines.size;
}
