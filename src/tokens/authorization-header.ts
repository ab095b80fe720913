/**
 * Reading an `Authorization` header, the one place that does: the gateway's API tokens, the
 * sharing endpoint's client credentials and bearer tokens, and the national simulator's token
 * endpoint all accept these two schemes with the same syntax. Pure: no I/O.
 */

/** RFC 6750 2.1: `Bearer` then a b64token. */
const BEARER = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i;
const BASIC = /^Basic\s+([A-Za-z0-9+/=]+)$/i;

/** The token of `Authorization: Bearer TOKEN`, or undefined when the header is not that. */
export function bearerToken(header: string | undefined): string | undefined {
  return BEARER.exec(header?.trim() ?? '')?.[1];
}

/** `Authorization: Basic base64(id:secret)` (RFC 7617), or undefined when it is not that. */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = BASIC.exec(header?.trim() ?? '');
  if (!match?.[1]) return undefined;
  const text = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 2.3.1: id and secret are form-urlencoded before Basic encoding.
  try {
    return { id: decodeURIComponent(text.slice(0, colon)), secret: decodeURIComponent(text.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}
