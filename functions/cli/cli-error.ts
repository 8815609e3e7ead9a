/** A problem the operator can fix (bad input, unreachable stack); main.ts prints its message alone. */
export class CliError extends Error {
  override name = 'CliError';
}
