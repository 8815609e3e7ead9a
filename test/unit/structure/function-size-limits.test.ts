/**
 * The planner and the sender keep their promise in steps that can each be read at once: no
 * function, method or arrow function in core/planning or core/delivery holds more than 60 code
 * lines (blank and comment-only lines do not count; a nested function counts in its own right
 * and in the function around it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { codeLineCount } from '../../support/code-lines.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAX_FUNCTION_CODE_LINES = 60;
const FOLDERS = ['functions/core/planning', 'functions/core/delivery'];

function typeScriptFilesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(dir, name))
    .sort();
}

function functionName(node: ts.FunctionLikeDeclaration, file: ts.SourceFile): string {
  if (node.name) return node.name.getText(file);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
    return parent.name.getText(file);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  return `(anonymous, line ${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1})`;
}

/** Each function-like node of the file with its code lines. */
function functionSizes(source: string, fileName: string): { name: string; codeLines: number }[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const sizes: { name: string; codeLines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const declaration = node as ts.FunctionLikeDeclaration;
      sizes.push({ name: functionName(declaration, file), codeLines: codeLineCount(declaration.getText(file), fileName) });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return sizes;
}

describe('functionSizes', () => {
  it('measures functions, methods and arrow functions by their code lines, nested ones on their own too', () => {
    const source = [
      'export function outer(): number {',
      '  // a comment line does not count',
      '  const inner = (): number => {',
      '    return 1;',
      '  };',
      '',
      '  return inner();',
      '}',
      'class Steps {',
      '  run(): void {',
      '    outer();',
      '  }',
      '}',
    ].join('\n');
    expect(functionSizes(source, 'sample.ts')).toEqual([
      { name: 'outer', codeLines: 6 },
      { name: 'inner', codeLines: 3 },
      { name: 'run', codeLines: 3 },
    ]);
  });
});

describe('planning and sending are read in steps of at most 60 code lines', () => {
  it.each(FOLDERS.flatMap(typeScriptFilesUnder))(`every function in %s holds at most ${MAX_FUNCTION_CODE_LINES} code lines`, (file) => {
    const tooLong = functionSizes(readFileSync(path.join(ROOT, file), 'utf8'), file).filter(
      (size) => size.codeLines > MAX_FUNCTION_CODE_LINES,
    );
    expect(tooLong).toEqual([]);
  });
});
