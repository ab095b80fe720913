import { GatewayError, type GatewayErrorOptions } from '../errors.js';

/**
 * A request the HTTP layer refuses before any route decides, each with its usual status
 * (`status` in the options overrides it, for a 4xx express or the validator chose):
 * - http.bad_encoding, http.bad_text (400): a path, query or body that is not valid
 *   percent-encoded UTF-8, or that holds a NUL;
 * - http.bad_json (400), http.bad_request (400): a body that is not JSON, or a request that
 *   could not be read or does not match the API document;
 * - http.not_found (404), http.method_not_allowed (405): no such route, or not this method;
 * - http.too_large (413), http.unsupported_charset (415), http.unsupported_media_type (415);
 * - http.internal (500): anything unexpected, its details in the log only.
 */
export type HttpErrorCode =
  | 'http.bad_encoding'
  | 'http.bad_text'
  | 'http.bad_json'
  | 'http.bad_request'
  | 'http.not_found'
  | 'http.method_not_allowed'
  | 'http.too_large'
  | 'http.unsupported_charset'
  | 'http.unsupported_media_type'
  | 'http.internal';

const STATUS: Readonly<Record<HttpErrorCode, number>> = {
  'http.bad_encoding': 400,
  'http.bad_text': 400,
  'http.bad_json': 400,
  'http.bad_request': 400,
  'http.not_found': 404,
  'http.method_not_allowed': 405,
  'http.too_large': 413,
  'http.unsupported_charset': 415,
  'http.unsupported_media_type': 415,
  'http.internal': 500,
};

export class HttpError extends GatewayError {
  declare readonly code: HttpErrorCode;

  constructor(code: HttpErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(code, message, { status: STATUS[code], ...options });
  }
}
