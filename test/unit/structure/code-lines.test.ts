import { describe, expect, it } from 'vitest';
import { codeLineCount } from '../../support/code-lines.ts';

describe('codeLineCount', () => {
  it('does not count blank lines or lines holding only comments', () => {
    const source = [
      '/**',
      ' * A doc comment.',
      ' */',
      '',
      '// a line comment',
      'export const a = 1;',
      '   ',
      '/* a block',
      '   comment */',
      'export function f(): number {',
      '  return a; // a trailing comment keeps its line',
      '}',
      '',
    ].join('\n');
    expect(codeLineCount(source)).toBe(4);
  });

  it('counts every line of a multi-line string', () => {
    expect(codeLineCount('export const t = `one\n\ntwo // not a comment\n`;\n')).toBe(4);
  });

  it('counts lines whose comment markers sit inside strings or regular expressions', () => {
    const source = ["const url = 'https://example.com';", 'const slashes = /\\/\\//u;', 'const star = "/* no comment */";'].join('\n');
    expect(codeLineCount(source)).toBe(3);
  });

  it('counts lines holding only punctuation', () => {
    expect(codeLineCount('call(\n  1,\n);\n')).toBe(3);
  });

  it('gives zero for a file of comments', () => {
    expect(codeLineCount('// one\n/* two */\n\n')).toBe(0);
  });
});
