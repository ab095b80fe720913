import { GatewayError, type ErrorDetail } from '../errors.js';

/**
 * A payload that cannot be read or written in its format. The codes are stable:
 * - `encoding.json_invalid`: not UTF-8 or not JSON;
 * - `encoding.xml_invalid`: not UTF-8, not well-formed XML, or XML that breaks the rules of
 *   xml-encoding.md (wrong root or namespace, attributes, text mixed with elements, an
 *   element repeated);
 * - `encoding.unknown_element`: an element (or, when writing, a property) the schema does
 *   not have;
 * - `encoding.value_invalid`: when writing, a value the format cannot carry (a type other
 *   than the schema's, a number that is not finite, a character XML 1.0 forbids);
 * - `encoding.format_unknown`: a format other than json or xml.
 * A receiver answers these with 400 SCHEMA_INVALID: the payload as a whole is malformed.
 */
export type EncodingErrorCode =
  | 'encoding.json_invalid'
  | 'encoding.xml_invalid'
  | 'encoding.unknown_element'
  | 'encoding.value_invalid'
  | 'encoding.format_unknown';

export class EncodingError extends GatewayError {
  declare readonly code: EncodingErrorCode;

  constructor(code: EncodingErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    const details: ErrorDetail[] = options.path === undefined ? [] : [{ path: options.path, message }];
    super(code, message, { status: 400, retryable: false, details, cause: options.cause });
  }
}
