import type { Request } from 'express';
import type { GatewayError } from '../errors.js';
import { HttpError } from './http-error.js';

/**
 * What no route can take, found before any route decodes it: a path segment or query value
 * whose percent-encoding is broken or is not UTF-8, or that decodes to a NUL (PostgreSQL text
 * refuses it, and no identifier of this API holds one). Each is a 400 with its code, never the
 * 500 a route's own decoding or the store would give. Pure but for reading the request.
 */
const NUL = '\u0000';

function decoded(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

export function inputProblem(req: Request): GatewayError | undefined {
  const raw = req.originalUrl ?? req.url;
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? '' : raw.slice(q + 1);
  for (const segment of path.split('/')) {
    const text = decoded(segment);
    if (text === undefined) return new HttpError('http.bad_encoding', 'the path is not valid percent-encoded UTF-8');
    if (text.includes(NUL)) return new HttpError('http.bad_text', 'the path holds a NUL character');
  }
  for (const pair of query.split('&')) {
    const text = decoded(pair.replace(/\+/g, ' '));
    if (text === undefined) return new HttpError('http.bad_encoding', 'the query is not valid percent-encoded UTF-8');
    if (text.includes(NUL)) return new HttpError('http.bad_text', 'the query holds a NUL character');
  }
  return undefined;
}

/** Whether a JSON body holds a NUL in any string, key or value. */
export function bodyHoldsNul(body: unknown): boolean {
  if (typeof body === 'string') return body.includes(NUL);
  if (Array.isArray(body)) return body.some(bodyHoldsNul);
  if (body !== null && typeof body === 'object') {
    return Object.entries(body as Record<string, unknown>).some(([k, v]) => k.includes(NUL) || bodyHoldsNul(v));
  }
  return false;
}
