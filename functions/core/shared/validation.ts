/** zod results -> the FieldIssue lists every 4xx carries, so each error names its field. */
import type { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors.ts';

/** Where the whole input is wrong rather than one field of it. */
export const WHOLE_BODY = '(body)';

export function fieldIssues(error: z.ZodError, prefix: readonly (string | number)[] = []): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: [...prefix, ...issue.path.map(String)].join('.') || WHOLE_BODY,
    message: issue.message,
  }));
}

export function validationError(what: string, issues: FieldIssue[]): ValidationError {
  return new ValidationError(`Invalid ${what}: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, issues);
}

/** Parses or throws a ValidationError whose message and issues name every bad field. */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, input: unknown, what: string): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationError(what, fieldIssues(parsed.error));
  return parsed.data;
}
