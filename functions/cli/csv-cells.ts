/**
 * CSV cells a spreadsheet will not execute (OWASP, "CSV Injection"): a cell that starts with
 * `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel, LibreOffice and
 * Google Sheets (`=HYPERLINK(...)` becomes a link, `=cmd|...` worse), so every CSV the product
 * writes prefixes such a cell with an apostrophe, which spreadsheets show as text. A cell already
 * starting with apostrophes before such a character gets one more, so the import can undo exactly
 * one and read an export back as it was.
 */
import { stringify, type Stringifier } from 'csv-stringify';

const FORMULA_START = /^'*[=+\-@\t\r]/;

export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The value neutraliseCell was given, for a cell it wrote; anything else as it is. */
export function restoreCell(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

/** csv-stringify with a header row and every cell, whatever its type, neutralised. */
export function safeCsvWriter(columns: readonly string[]): Stringifier {
  const cell = (value: unknown) => neutraliseCell(String(value));
  return stringify({
    header: true,
    columns: columns.map((column) => neutraliseCell(column)),
    cast: { string: cell, number: cell, bigint: cell, boolean: cell, date: (value) => cell(value.toISOString()) },
  });
}
