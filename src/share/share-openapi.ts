import type { OpenApiFragment } from '../http/openapi.js';
import { FIELD_GROUPS } from './field-filter.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './share-params.js';
import { STATISTICS_DIMENSIONS } from './shared-record-store.js';
import { ENVELOPE_MEDIA_TYPE } from './share-router.js';
import { soDinhDanhSchema } from '../contract/so-dinh-danh.js';

/** The sharing routes as OpenAPI 3.1 (share-router.ts), for the gateway's one document. */
const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ShareError' } } } });

const refusals = {
  400: error('Malformed input or missing X-Purpose (share.purpose_missing, share.so_dinh_danh_invalid, share.agency_code_invalid, share.page_size_too_large, share.parameter_invalid)'),
  401: error('Unknown, expired or revoked token (share.token_missing, share.token_invalid); TLS client certificate whose OU is not the client'),
  403: error('Outside the grant: share.route_not_granted, share.unit_not_granted, share.field_group_not_granted, share.purpose_not_granted'),
  429: { ...error('Over the grant\'s rate (share.rate_limited); on the token endpoint, too many failed requests (share.token_throttled)'), headers: { 'Retry-After': { schema: { type: 'integer' } } } },
  503: error('The access could not be audited; nothing was sent (share.audit_unavailable)'),
};

const purpose = { name: 'X-Purpose', in: 'header', required: true, description: 'The purpose code the grant names', schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$' } };
const fields = { name: 'fields', in: 'query', description: 'Comma-separated field groups to return (default: all granted)', schema: { type: 'string' } };
const agencyCode = { type: 'string', pattern: '^[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-K][0-9]{2}$' };

function ok(schema: string) {
  return {
    description: 'The answer, or on Accept: application/vnd.csdl.envelope+json the same JSON as the payload of a signed envelope',
    content: {
      'application/json': { schema: { $ref: `#/components/schemas/${schema}` } },
      [ENVELOPE_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/SignedEnvelope' } },
    },
  };
}

const security = [{ clientToken: [] }];

export const shareOpenApi: OpenApiFragment = {
  paths: {
    '/share/oauth2/token': {
      post: {
        operationId: 'issueClientToken',
        summary: 'OAuth2 client credentials: a bearer token for an agency client (client id = agency code)',
        description: 'The client authenticates with HTTP Basic (RFC 6749 2.3.1), or with `client_id` and `client_secret` in the form instead (the empty security requirement).',
        security: [{ clientCredentials: [] }, {}],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object', required: ['grant_type'],
                properties: { grant_type: { const: 'client_credentials' }, client_id: agencyCode, client_secret: { type: 'string' } },
              },
            },
          },
        },
        responses: {
          200: {
            description: 'A token',
            content: { 'application/json': { schema: { type: 'object', required: ['access_token', 'token_type', 'expires_in'], properties: { access_token: { type: 'string' }, token_type: { const: 'Bearer' }, expires_in: { type: 'integer' } } } } },
          },
          400: refusals[400], 401: refusals[401],
          413: error('The form is larger than the token endpoint reads (share.parameter_invalid)'),
          415: error('The form is not UTF-8 (share.unsupported_charset)'),
          429: refusals[429],
        },
      },
    },
    '/share/v1/officials/{soDinhDanh}': {
      get: {
        operationId: 'readOfficial',
        summary: "One person's last record the national side accepted, with the granted field groups only",
        security,
        parameters: [{ name: 'soDinhDanh', in: 'path', required: true, schema: soDinhDanhSchema }, purpose, fields],
        responses: { 200: ok('SharedOfficial'), ...refusals, 404: error('Unknown person, or one outside the granted units (share.official_not_found)') },
      },
    },
    '/share/v1/units/{agencyCode}/officials': {
      get: {
        operationId: 'listUnitOfficials',
        summary: 'The people of a unit (and with includeSubunits=true, of the units under it)',
        security,
        parameters: [
          { name: 'agencyCode', in: 'path', required: true, schema: agencyCode }, purpose, fields,
          { name: 'status', in: 'query', schema: { type: 'string' }, description: 'tinhTrang code' },
          { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
          { name: 'pageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE } },
          { name: 'includeSubunits', in: 'query', schema: { type: 'boolean', default: false } },
        ],
        responses: { 200: ok('SharedUnitPage'), ...refusals },
      },
    },
    '/share/v1/statistics': {
      get: {
        operationId: 'readStatistics',
        summary: "Counts of the served people along the annual report's dimensions",
        security,
        parameters: [
          { name: 'groupBy', in: 'query', required: true, schema: { enum: Object.keys(STATISTICS_DIMENSIONS) } },
          { name: 'unit', in: 'query', schema: agencyCode, description: 'A granted unit (with its subtree); default all granted units' }, purpose,
        ],
        responses: { 200: ok('SharedStatistics'), ...refusals },
      },
    },
  },
  schemas: {
    ShareError: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array' } } },
    SignedEnvelope: {
      type: 'object', required: ['format', 'payload', 'signature'],
      properties: { format: { const: 'json' }, payload: { type: 'string', contentEncoding: 'base64' }, signature: { type: 'string', contentEncoding: 'base64' } },
    },
    SharedOfficial: {
      type: 'object', required: ['soDinhDanh', 'approvedAt', 'fieldGroups', 'record'],
      properties: {
        soDinhDanh: { type: 'string' }, approvedAt: { type: 'string', format: 'date-time' },
        fieldGroups: { type: 'array', items: { enum: [...FIELD_GROUPS] } },
        record: { type: 'object', description: 'The national record (official.schema.json) without the fields outside the grant' },
      },
    },
    SharedUnitPage: {
      type: 'object', required: ['unit', 'page', 'pageSize', 'total', 'items'],
      properties: {
        unit: agencyCode, includeSubunits: { type: 'boolean' }, page: { type: 'integer' }, pageSize: { type: 'integer' }, total: { type: 'integer' },
        fieldGroups: { type: 'array', items: { enum: [...FIELD_GROUPS] } },
        items: { type: 'array', items: { type: 'object', properties: { soDinhDanh: { type: 'string' }, approvedAt: { type: 'string' }, record: { type: 'object' } } } },
      },
    },
    SharedStatistics: {
      type: 'object', required: ['groupBy', 'total', 'counts'],
      properties: {
        groupBy: { type: 'string' }, unit: agencyCode, units: { type: 'array', items: agencyCode },
        total: { type: ['integer', 'null'], description: 'null when under minCell' },
        minCell: { type: 'integer', description: 'The smallest count shown (SHARE_STATISTICS_MIN_CELL)' },
        suppressed: { type: 'integer', description: 'How many cells are not shown' },
        counts: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              ma: { type: ['string', 'null'] }, ten: { type: 'string' },
              count: { type: ['integer', 'null'], description: 'null when suppressed' }, suppressed: { type: 'boolean' },
            },
          },
        },
      },
    },
  },
};
