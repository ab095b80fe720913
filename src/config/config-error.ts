import { GatewayError, type GatewayErrorOptions } from '../errors.js';

/**
 * A configuration the gateway cannot start with: one code, `config.invalid` (the CLI exits 2 on
 * it, as on bad usage), its message naming the key; `key`, when given, is also the detail's path.
 */
export type ConfigErrorCode = 'config.invalid';

export class ConfigError extends GatewayError {
  declare readonly code: ConfigErrorCode;

  constructor(message: string, key?: string, options: GatewayErrorOptions = {}) {
    super('config.invalid', message, key ? { ...options, details: [{ path: key, message }] } : options);
  }
}
