import type { OpenApiFragment } from '../http/openapi.js';
import { soDinhDanhSchema } from '../contract/so-dinh-danh.js';

/**
 * The transfer routes (transfer-router.ts) in OpenAPI 3.1, with the role each needs in
 * `x-required-role`. The shapes follow the service's answers (transfer-service.ts).
 */
const error = { $ref: '#/components/schemas/TransferError' };
const errorAnswer = (description: string) => ({ description, content: { 'application/json': { schema: error } } });

export const transferOpenApi: OpenApiFragment = {
  paths: {
    '/api/transfers': {
      post: {
        operationId: 'pullTransferee',
        summary: "Pull a transferee's national record and stage it for the receiving unit (the vendor's staging table the mapping declares)",
        'x-required-role': 'operator',
        security: [{ operatorToken: [] }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/TransferPullRequest' } } },
        },
        responses: {
          '201': { description: 'staged in a new row', content: { 'application/json': { schema: { $ref: '#/components/schemas/TransferPullOutcome' } } } },
          '200': { description: 'the waiting row (CHO_TIEP_NHAN) refreshed', content: { 'application/json': { schema: { $ref: '#/components/schemas/TransferPullOutcome' } } } },
          '400': errorAnswer('bad input (transfer.bad_identity, transfer.bad_unit, transfer.unit_unknown, transfer.unit_closed, transfer.source_unknown, transfer.bad_decision, transfer.bad_request); nothing fetched'),
          '401': errorAnswer('no bearer token'),
          '403': errorAnswer('the token is not an operator'),
          '404': errorAnswer('transfer.not_found: the national database holds no record for the person'),
          '409': errorAnswer('transfer.already_active: the person is active in this province; send force: true to stage anyway. transfer.in_progress: another pull of the person for this unit is under way. transfer.unit_ambiguous: a merged province, and the agency code is a unit of several sources (listed in details); send receivingSource'),
          '502': errorAnswer('the national side refused (transfer.national_refused) or its answer is not trusted (transfer.untrusted_ca, transfer.wrong_signer, transfer.tampered, transfer.bad_envelope, transfer.cert_expired, transfer.bad_record, transfer.wrong_record)'),
          '503': errorAnswer('transfer.national_unavailable; transfer.source_unavailable: a source of a merged province cannot be reached; or transfer.interrupted: the pull outlived its claim and recovery took the transfer over'),
          '504': errorAnswer('transfer.timeout'),
        },
      },
      get: {
        operationId: 'listTransfers',
        summary: 'The transfer requests with their status and deadline (10 working days after the decision takes effect)',
        'x-required-role': 'auditor',
        security: [{ operatorToken: [] }],
        parameters: [{ name: 'overdue', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] }, description: 'only open transfers past their deadline' }],
        responses: {
          '200': {
            description: 'newest first',
            content: { 'application/json': { schema: { type: 'object', required: ['transfers'], properties: { transfers: { type: 'array', items: { $ref: '#/components/schemas/Transfer' } } } } } },
          },
          '400': errorAnswer('transfer.bad_request'),
          '401': errorAnswer('no bearer token'),
        },
      },
    },
    '/api/transfers/{id}/cancel': {
      post: {
        operationId: 'cancelTransfer',
        summary: "Close, as cancelled, an open transfer whose source was removed from the sources file (a merged province): its staged row is no longer read, so it never closes on its own",
        'x-required-role': 'operator',
        security: [{ operatorToken: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{1,18}$' }, description: "the transfer's id" }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 1 } } } } },
        },
        responses: {
          '200': { description: 'cancelled; the reason is in the audit log (transfer.cancel)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Transfer' } } } },
          '400': errorAnswer('transfer.bad_request: no reason'),
          '401': errorAnswer('no bearer token'),
          '403': errorAnswer('the token is not an operator'),
          '404': errorAnswer('transfer.unknown_id: no transfer with this id'),
          '409': errorAnswer('transfer.not_cancellable: the transfer is closed, or its source is listed (it closes when the vendor\'s software answers)'),
        },
      },
    },
  },
  schemas: {
    TransferError: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array', items: { type: 'object' } } },
    },
    TransferPullRequest: {
      type: 'object',
      additionalProperties: false,
      required: ['soDinhDanh', 'receivingUnit'],
      properties: {
        soDinhDanh: soDinhDanhSchema,
        receivingUnit: { type: 'string', pattern: '^[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-K][0-9]{2}$' },
        decision: {
          type: 'object',
          additionalProperties: false,
          properties: { so: { type: 'string', minLength: 1, maxLength: 100 }, ngayHieuLuc: { type: 'string', format: 'date' } },
        },
        receivingSource: {
          type: 'string', pattern: '^[a-z0-9-]{1,32}$',
          description: 'a merged province (SOURCES_FILE): the source to stage in, needed only when the agency code is a unit of several sources (transfer.unit_ambiguous); without it the source whose unit tree holds the unit is used',
        },
        force: { type: 'boolean', default: false },
      },
    },
    Transfer: {
      type: 'object',
      required: ['id', 'soDinhDanh', 'receivingUnit', 'status', 'overdue', 'pulls', 'requestedAt'],
      properties: {
        id: { type: 'string' },
        soDinhDanh: { type: 'string' },
        receivingUnit: { type: 'string' },
        receivingUnitId: { type: 'string', description: "the receiving unit's id in the vendor's database, as text (qlcb: '6')" },
        source: { type: 'string', description: 'a merged province only: the source the record is staged in' },
        decision: { type: 'object', properties: { so: { type: 'string' }, ngayHieuLuc: { type: 'string', format: 'date' } } },
        deadline: { type: 'string', format: 'date' },
        status: { enum: ['requested', 'staged', 'failed', 'taken_in', 'declined', 'cancelled'] },
        overdue: { type: 'boolean' },
        workingDaysLeft: { type: 'integer' },
        requestedBy: { type: 'object', properties: { kind: { type: 'string' }, name: { type: 'string' } } },
        requestedAt: { type: 'string', format: 'date-time' },
        updatedAt: { type: 'string', format: 'date-time' },
        pulls: { type: 'integer' },
        stagingId: { type: 'string' },
        stagedAt: { type: 'string', format: 'date-time' },
        closedAt: { type: 'string', format: 'date-time' },
        format: { enum: ['json', 'xml'] },
        warnings: { type: 'array', items: { type: 'object' } },
        error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
        stalled: {
          type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } },
          description: 'an open transfer that cannot move on its own: sources.source_removed, its source is no longer in the sources file (its staged row is not read); an operator cancels it',
        },
      },
    },
    TransferPullOutcome: {
      type: 'object',
      required: ['transfer', 'staged', 'warnings'],
      properties: {
        transfer: { $ref: '#/components/schemas/Transfer' },
        staged: {
          type: 'object',
          required: ['id', 'refreshed', 'format', 'hoSo'],
          properties: {
            id: { type: 'string' }, refreshed: { type: 'boolean' },
            table: { type: 'string', description: "the vendor's staging table (the mapping's staging.table)" },
            status: { type: 'string', description: "the row's status there: the mapping's staging.statuses.waiting" },
            format: { enum: ['json', 'xml'] }, hoSo: { type: 'object' },
          },
        },
        warnings: {
          type: 'array',
          items: { type: 'object', required: ['code', 'path', 'message'], properties: { code: { type: 'string' }, path: { type: 'string' }, source: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};
