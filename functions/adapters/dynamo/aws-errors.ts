/**
 * Recognises service errors by name: the SDK gives dynalite's and AWS's errors the same `name`,
 * while `instanceof` on the SDK's exception classes can miss across duplicated SDK copies.
 */
export function hasErrorName(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return hasErrorName(error, 'ConditionalCheckFailedException');
}
