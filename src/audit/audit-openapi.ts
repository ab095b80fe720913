import type { OpenApiFragment } from '../http/openapi.js';
import { MAX_LIST_LIMIT } from './audit-service.js';
import { DEFAULT_PAGE } from './audit-router.js';
import { soDinhDanhSchema } from '../contract/so-dinh-danh.js';

/** The auditors' routes of audit-router.ts, for the gateway's OpenAPI 3.1 document. */
const SO_DINH_DANH = { ...soDinhDanhSchema, description: 'Số định danh cá nhân: 12 digits' };
const SINCE = {
  name: 'since', in: 'query', required: false,
  schema: { type: 'string', description: 'A date (YYYY-MM-DD, from midnight in Vietnam) or an ISO 8601 time: entries at or after it' },
};
const ERROR = { $ref: '#/components/schemas/AuditRefusal' };
const refusals = {
  400: { description: 'A malformed parameter', content: { 'application/json': { schema: ERROR } } },
  401: { description: 'No valid bearer token', content: { 'application/json': { schema: ERROR } } },
  403: { description: 'The token lacks the auditor role', content: { 'application/json': { schema: ERROR } } },
};
const text = { type: 'string' };
const nullableText = { type: ['string', 'null'] };
const textList = { type: 'array', items: text };

export const auditOpenApi: OpenApiFragment = {
  paths: {
    '/api/ops/audit': {
      get: {
        operationId: 'listAuditEntries',
        summary: 'The audit log, newest first (auditor); this read is audited too',
        tags: ['audit'],
        'x-required-role': 'auditor',
        security: [{ operatorToken: [] }],
        parameters: [
          { name: 'person', in: 'query', required: false, schema: SO_DINH_DANH },
          { name: 'actor', in: 'query', required: false, schema: { type: 'string', description: 'Token name or agency code' } },
          { name: 'action', in: 'query', required: false, schema: { type: 'string', description: 'e.g. share.official.read' } },
          SINCE,
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_PAGE } },
          { name: 'before', in: 'query', required: false, schema: { type: 'integer', minimum: 1, description: 'The `next` of the previous page' } },
        ],
        responses: {
          200: { description: 'One page of entries', content: { 'application/json': { schema: { $ref: '#/components/schemas/AuditEntryPage' } } } },
          ...refusals,
        },
      },
    },
    '/api/ops/people/{soDinhDanh}/access': {
      get: {
        operationId: 'personAccessReport',
        summary: "A person's access report: every read or change of their data, by whom, when, which field groups, why (auditor)",
        tags: ['audit'],
        'x-required-role': 'auditor',
        security: [{ operatorToken: [] }],
        parameters: [
          { name: 'soDinhDanh', in: 'path', required: true, schema: SO_DINH_DANH },
          SINCE,
          { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'csv', 'html'], default: 'json' } },
        ],
        responses: {
          200: {
            description: 'The report: JSON, CSV, or a printable page in Vietnamese',
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/AccessReport' } },
              'text/csv': { schema: { type: 'string' } },
              'text/html': { schema: { type: 'string' } },
            },
          },
          ...refusals,
        },
      },
    },
  },
  schemas: {
    AuditRefusal: {
      type: 'object', required: ['code', 'message'],
      properties: { code: text, message: text, details: { type: 'array', items: { type: 'object' } } },
    },
    AuditActor: {
      type: 'object', required: ['kind', 'name'],
      properties: { kind: { type: 'string', enum: ['token', 'client', 'cli', 'system'] }, name: text },
    },
    AuditEntry: {
      type: 'object',
      required: ['seq', 'at', 'actor', 'action', 'people', 'fieldGroups', 'outcome', 'hash'],
      properties: {
        seq: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, actor: { $ref: '#/components/schemas/AuditActor' },
        action: text, people: textList, packetId: nullableText, unit: nullableText, fieldGroups: textList, purpose: nullableText,
        outcome: { type: 'string', enum: ['ok', 'refused', 'error'] }, code: nullableText, requestId: nullableText, hash: text,
      },
    },
    AuditEntryPage: {
      type: 'object', required: ['entries', 'next'],
      properties: {
        entries: { type: 'array', items: { $ref: '#/components/schemas/AuditEntry' } },
        next: { type: ['integer', 'null'], description: 'Pass as `before` for the next page; null on the last' },
      },
    },
    AccessReport: {
      type: 'object', required: ['soDinhDanh', 'since', 'generatedAt', 'entries'],
      properties: {
        soDinhDanh: text, since: nullableText, generatedAt: { type: 'string', format: 'date-time' },
        entries: {
          type: 'array',
          items: {
            type: 'object', required: ['seq', 'at', 'actor', 'action', 'fieldGroups', 'outcome'],
            properties: {
              seq: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, actor: { $ref: '#/components/schemas/AuditActor' },
              action: text, fieldGroups: textList, purpose: nullableText, outcome: text, code: nullableText,
              unit: nullableText, packetId: nullableText, requestId: nullableText,
            },
          },
        },
      },
    },
  },
};
