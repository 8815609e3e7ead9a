/**
 * Every regular expression that reads feed, OPML, page or article text runs in at most linear
 * time on adversarial input. The patterns are not listed by hand: the TypeScript compiler finds
 * every regular-expression literal and every `new RegExp(...)` in the modules that read such text,
 * so a new pattern is checked as soon as it is written. Each runs over pumped inputs built from
 * its own characters and words plus generic hostile runs (whitespace, punctuation, `<` and `-`,
 * letters then `!`), and a seeded random sample of two-character units; the time at 4n must stay
 * within a factor of the time at n (quadratic growth gives 16×).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { announceSeed, seededRandom } from '../../support/seed.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TEXT_READERS = [
  'functions/adapters/feeds',
  'functions/core/ingest',
  'functions/core/stories',
  'functions/core/sources',
  'functions/core/shared/text.ts',
  'functions/core/shared/topics.ts',
];
/**
 * `new RegExp` calls that cannot be built outside their function, with why they are safe. A new
 * one fails the test until it is either built from module constants (and so checked) or listed.
 */
const REVIEWED_DYNAMIC: Record<string, string> = {
  "functions/core/stories/acronyms.ts:new RegExp(String.raw`(?<![\\p{L}\\p{N}(])${acronym}(?![\\p{L}\\p{N}])`, 'u')":
    'an acronym matched by ACRONYM (2 to 9 capitals, digits, `&` and a final `s`: no metacharacter) between two lookarounds, so no quantifier',
};
const SCREEN_LENGTH = 1_000;
const SMALL = 5_000;
const LARGE = 4 * SMALL;
/** Below this at 4n the growth is noise, not a hazard. */
const FLOOR_MS = 40;
/** Linear growth is 4×; quadratic is 16×. */
const MAX_GROWTH = 10;
const GENERIC_CHARS = [...' \n\t\u00a0aAz10.,;:!?-–<>/&#"\'’()[]*_=…。中é'];
const SUFFIXES = ['', '\u0001', '1', 'a', ' ', '!', '\n'];

interface FoundPattern {
  where: string;
  regex: RegExp;
}

function sourceFiles(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (statSync(full).isFile()) return [entry];
  return readdirSync(full).flatMap((name) => sourceFiles(path.join(entry, name)));
}

/** The file's top-level constants, evaluated where they can be without its imports, to build `new RegExp` arguments. */
function moduleConstants(file: ts.SourceFile): vm.Context {
  const context = vm.createContext({ String, Array, Object });
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const code = ts.transpile(statement.getText(file).replace(/^export\s+/u, ''), { target: ts.ScriptTarget.ES2022 });
    try {
      vm.runInContext(code.replace(/^(?:const|let)\s/u, 'var '), context);
    } catch {
      // A constant built from an import or a function is not needed to build any pattern below.
    }
  }
  return context;
}

function patternsIn(relative: string): { found: FoundPattern[]; unbuilt: string[] } {
  const text = readFileSync(path.join(ROOT, relative), 'utf8');
  const file = ts.createSourceFile(relative, text, ts.ScriptTarget.Latest, true);
  const found: FoundPattern[] = [];
  const unbuilt: string[] = [];
  let constants: vm.Context | undefined;
  const visit = (node: ts.Node): void => {
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const literal = node.getText(file);
      const end = literal.lastIndexOf('/');
      found.push({ where: `${relative}:${line} ${literal}`, regex: new RegExp(literal.slice(1, end), literal.slice(end + 1)) });
    } else if (ts.isNewExpression(node) && node.expression.getText(file) === 'RegExp') {
      constants ??= moduleConstants(file);
      const expression = node.getText(file);
      try {
        const regex = vm.runInContext(ts.transpile(`(${expression})`, { target: ts.ScriptTarget.ES2022 }), constants) as RegExp;
        found.push({ where: `${relative}:${line} ${regex.toString()}`, regex: new RegExp(regex.source, regex.flags) });
      } catch {
        unbuilt.push(`${relative}:${expression}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { found, unbuilt };
}

/** Letter runs written in the pattern (`per`, `cent`, `billion`, `feed`): repeating them pumps alternations. */
function wordsOf(regex: RegExp): string[] {
  const stripped = regex.source.replace(/\\[pPu]\{[^}]*\}|\\[a-zA-Z]/gu, ' ');
  return [...new Set(stripped.match(/[\p{L}]{2,}/gu) ?? [])].slice(0, 12);
}

/** Characters the pattern names literally: punctuation, letters and digits of its source. */
function charsOf(regex: RegExp): string[] {
  return [...new Set([...regex.source.replace(/\\[pPu]\{[^}]*\}/gu, '')])].filter((char) => char !== '\\');
}

type Pump = (n: number) => string;

function pumpsFor(regex: RegExp, random: () => number): Pump[] {
  const chars = [...new Set([...GENERIC_CHARS, ...charsOf(regex)])];
  const pumps: Pump[] = [];
  for (const char of chars) {
    for (const suffix of SUFFIXES) pumps.push((n) => char.repeat(n) + suffix);
    for (const prefix of ['.', '<', '&', 'a']) pumps.push((n) => `${prefix}${char.repeat(n)}1`);
  }
  for (const word of wordsOf(regex)) {
    for (const joiner of ['', ' ', '  '])
      pumps.push((n) => `${word}${joiner}`.repeat(Math.ceil(n / (word.length + joiner.length))) + '\u0001');
    pumps.push((n) => `1${' '.repeat(n)}${word}x`);
  }
  pumps.push(
    (n) => `<${'-'.repeat(n)}`,
    (n) => `${'aA'.repeat(n / 2)}!`,
    (n) => `${'a '.repeat(n / 2)}!`,
  );
  for (let draw = 0; draw < 40; draw += 1) {
    const pick = (): string => chars[Math.floor(random() * chars.length)]!;
    const unit = pick() + pick();
    const prefix = pick();
    const suffix = pick();
    pumps.push((n) => prefix + unit.repeat(n / 2) + suffix);
  }
  return pumps;
}

function scan(regex: RegExp, input: string): void {
  for (const match of input.matchAll(regex)) if (match[0] === undefined) break;
}

function timeOf(regex: RegExp, input: string, tries = 1): number {
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < tries; attempt += 1) {
    const started = performance.now();
    scan(regex, input);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const checked = TEXT_READERS.flatMap(sourceFiles)
  .filter((file) => file.endsWith('.ts'))
  .map(patternsIn);
const patterns = checked.flatMap((result) => result.found);

describe('regular expressions on untrusted text', () => {
  it('finds the patterns of every module that reads feed, OPML, page or article text, and builds every new RegExp or has it reviewed', () => {
    console.log(`[regex-guard] ${patterns.length} patterns checked:\n${patterns.map((pattern) => `  ${pattern.where}`).join('\n')}`);
    expect(patterns.length).toBeGreaterThan(50);
    expect(patterns.some((pattern) => pattern.where.includes('stories/event-features.ts'))).toBe(true);
    const unbuilt = checked.flatMap((result) => result.unbuilt);
    expect(unbuilt.filter((expression) => !(expression in REVIEWED_DYNAMIC))).toEqual([]);
  });

  it('grows at most linearly on pumped inputs built from each pattern (time at 4n within 10× of n)', () => {
    announceSeed('test/unit/structure/regex-guard.test.ts');
    const random = seededRandom();
    const superLinear: string[] = [];
    for (const { where, regex } of patterns) {
      const global = new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : `${regex.flags}g`);
      for (const pump of pumpsFor(regex, random)) {
        if (timeOf(global, pump(SCREEN_LENGTH)) < 0.3) continue;
        const small = timeOf(global, pump(SMALL), 2);
        const large = timeOf(global, pump(LARGE), 2);
        if (large > FLOOR_MS && large > MAX_GROWTH * small) {
          superLinear.push(
            `${where} on ${JSON.stringify(pump(12))}…: ${small.toFixed(1)} ms at ${SMALL}, ${large.toFixed(1)} ms at ${LARGE}`,
          );
          break;
        }
      }
    }
    expect(superLinear).toEqual([]);
  }, 60_000);
});
