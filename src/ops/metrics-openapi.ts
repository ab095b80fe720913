import type { OpenApiFragment } from '../http/openapi.js';

/** GET /metrics (metrics.ts) in the gateway's OpenAPI document: no token, no personal data. */
export const metricsOpenApi: OpenApiFragment = {
  paths: {
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: "The gateway's metrics for Prometheus (sync, outbox, NDXP attempts, sharing requests, audit, signing certificate)",
        tags: ['ops'],
        security: [],
        responses: {
          200: { description: 'The Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } },
        },
      },
    },
  },
};
