/**
 * Rows of an operator's CSV import (email, timezone, sendHour, topics), validated one by one
 * so a broken row is reported and skipped rather than failing the file.
 */
import { type FieldIssue, fieldIssues } from '../shared/index.ts';
import { subscriptionRequestSchema } from './subscriber.ts';
import type { Subscriber } from './types.ts';

/** Columns a file may carry; `email` is the only one required. */
export const IMPORT_COLUMNS = ['email', 'timezone', 'sendHour', 'topics'] as const;

/** Spreadsheet headers vary in case and spacing: `Send Hour` and `sendhour` both mean sendHour. */
export function importColumnName(header: string): string {
  const squashed = header
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
  return IMPORT_COLUMNS.find((column) => column.toLowerCase() === squashed) ?? header.trim();
}

const importRowSchema = subscriptionRequestSchema.omit({ website: true });

export type ImportRowResult = { ok: true; subscriber: Subscriber } | { ok: false; issues: FieldIssue[] };

/**
 * A confirmed reader from one row. Only for rows whose consent the operator vouches for
 * (`--confirmed`): the record says so, so the import is on file as the source of consent.
 */
export function importedReader(row: Readonly<Record<string, unknown>>, at: string): ImportRowResult {
  const parsed = importRowSchema.safeParse(row);
  if (!parsed.success) return { ok: false, issues: fieldIssues(parsed.error) };
  const { email, timezone, sendHour, topics } = parsed.data;
  return {
    ok: true,
    subscriber: {
      email,
      status: 'confirmed',
      timezone,
      sendHour,
      topics,
      createdAt: at,
      updatedAt: at,
      confirmedAt: at,
      consent: { at, source: 'operator import (--confirmed: consent collected elsewhere)' },
    },
  };
}

/** Why a row was not imported, one line for the report. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((issue) => `${issue.field} ${issue.message}`).join('; ');
}
