import type { OpenApiFragment } from './openapi.js';

/**
 * /healthz and /readyz (health-controller.ts) in the gateway's OpenAPI document, so a client
 * generated from it and a probe configured from it know them. No token needed: they say
 * nothing about any person, and a load balancer or orchestrator calls them; /readyz shows its
 * checks' details to a caller with an API token.
 */
const check = {
  type: 'object', required: ['name', 'ok'],
  properties: {
    name: { type: 'string' }, ok: { type: 'boolean' },
    code: { type: 'string', description: 'Why it fails or warns, as a code (`readyz.store_failing`...)' },
    message: { type: 'string', description: 'Only for a caller with an API token' },
    warning: { type: 'string', description: 'Worth an operator\'s look; does not fail readiness (a certificate expiring within 30 days). Only for a caller with an API token' },
  },
};
const readiness = {
  type: 'object', required: ['status', 'checks'],
  properties: { status: { type: 'string', enum: ['ready', 'not_ready'] }, checks: { type: 'array', items: check } },
};

export const healthOpenApi: OpenApiFragment = {
  paths: {
    '/healthz': {
      get: {
        operationId: 'health', summary: 'The process is alive', tags: ['health'], security: [],
        responses: { 200: { description: 'Alive', content: { 'application/json': { schema: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } } } } } },
      },
    },
    '/readyz': {
      get: {
        operationId: 'readiness', summary: 'Every readiness check passes (store, migrations, signing key, ...)', tags: ['health'],
        description: "Anonymous callers get each check's name, result and reason code; a caller with an API token (operator or auditor) also gets the messages and warnings.",
        security: [{}, { operatorToken: [] }],
        responses: {
          200: { description: 'Ready; the checks, some perhaps with a warning', content: { 'application/json': { schema: readiness } } },
          503: { description: 'Not ready: at least one check failed', content: { 'application/json': { schema: readiness } } },
        },
      },
    },
  },
};
