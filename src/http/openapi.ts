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
