/**
 * The gateway's API is described by one OpenAPI 3.1 document, served at /api/openapi.json
 * and used to validate requests. Each capability (src/ops, src/transfer, src/share) describes
 * its own routes in a fragment next to them; the document is their union, so a route and its
 * description live in the same folder and a test can hold one against the other.
 */
export interface OpenApiFragment {
  /** OpenAPI path items keyed by path, with `{param}` templates (`/api/ops/packets/{id}`). */
  paths: Record<string, Record<string, unknown>>;
  /** Shared schemas, referenced as `#/components/schemas/NAME`. */
  schemas?: Record<string, unknown>;
}

export function openApiDocument(fragments: OpenApiFragment[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  for (const f of fragments) {
    for (const [path, item] of Object.entries(f.paths)) paths[path] = { ...paths[path], ...item };
    Object.assign(schemas, f.schemas ?? {});
  }
  for (const item of Object.values(paths)) {
    for (const [method, op] of Object.entries(item)) if (METHODS.has(method)) item[method] = withGateRefusals(op as Operation);
  }
  return {
    openapi: '3.1.0',
    info: { ...info, license: { name: 'UNLICENSED: for the province and the agencies it grants access', identifier: 'LicenseRef-UNLICENSED' } },
    // Relative: the document is served by the gateway it describes, on whatever host and port
    // it was reached; a client generator resolves paths against where it fetched the document.
    servers: [{ url: '/', description: 'The gateway that serves this document' }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        operatorToken: { type: 'http', scheme: 'bearer', description: 'A token from `csdl-gateway tokens create`' },
        clientToken: { type: 'http', scheme: 'bearer', description: 'An agency client token from POST /share/oauth2/token' },
        clientCredentials: { type: 'http', scheme: 'basic', description: "An agency client's id (its agency code) and secret from `csdl-gateway clients add`" },
      },
    },
  };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

interface Operation {
  responses?: Record<string, unknown>;
  requestBody?: unknown;
}

const REFUSAL = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array' } },
} as const;

/**
 * The refusals the gate gives on any operation before its route runs (src/http: request-context,
 * input-problems, request-validator), listed where a fragment does not list its own: 400 for a
 * query or path that is not percent-encoded UTF-8 (`http.bad_encoding`), holds a NUL
 * (`http.bad_text`) or does not match the document (`http.bad_request`); and, where the
 * operation takes a body, 413 for one over the size the gate reads (`http.too_large`) and 415
 * for a media type or charset it does not take.
 */
function withGateRefusals(op: Operation): Operation {
  const responses = { ...(op.responses ?? {}) };
  if (!('400' in responses)) {
    responses['400'] = {
      description: 'the request cannot be read (http.bad_encoding, http.bad_text) or does not match this document (http.bad_request)',
      content: { 'application/json': { schema: REFUSAL } },
    };
  }
  if (op.requestBody !== undefined && !('413' in responses)) {
    responses['413'] = {
      description: 'the body is larger than the gate reads (http.too_large)',
      content: { 'application/json': { schema: REFUSAL } },
    };
  }
  if (op.requestBody !== undefined && !('415' in responses)) {
    responses['415'] = {
      description: 'the body is not in a media type or charset this operation takes (http.unsupported_media_type, http.unsupported_charset)',
      content: { 'application/json': { schema: REFUSAL } },
    };
  }
  return { ...op, responses };
}
