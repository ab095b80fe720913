import { GatewayError } from '../errors.js';

/**
 * A command line the gateway cannot act on: one code, `cli.usage` (exit 2, with a pointer to
 * the command's --help), its message saying what is wrong in both languages where it can.
 */
export type CliErrorCode = 'cli.usage';

export class UsageError extends GatewayError {
  declare readonly code: CliErrorCode;

  constructor(message: string) {
    super('cli.usage', message);
  }
}
