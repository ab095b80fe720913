import type { OpenApiFragment } from '../http/openapi.js';
import { PACKET_STATES, RECORD_STATES } from './ops-types.js';
import { SO_DINH_DANH_PATTERN } from '../contract/so-dinh-danh.js';

/**
 * The operators' read API, as served at /api/openapi.json and used to validate requests
 * (src/http/request-validator.ts). `x-required-role` names the least role an operation needs
 * (`auditor` reads, `operator` acts); the tests send every role to every operation from it.
 */
const PAGE_SIZE_MAX = 500;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const query = (name: string, schema: Record<string, unknown>, description: string) => ({ name, in: 'query', required: false, schema, description });
const json = (schema: unknown, description: string) => ({ description, content: { 'application/json': { schema } } });
const nullable = (type: string) => ({ type: [type, 'null'] });

const REFUSALS = {
  400: json(ref('Error'), 'The request does not match this document (`http.bad_request`, with `{path, message}` details)'),
  401: json(ref('Error'), 'No token, or a wrong, expired or revoked one (`auth.missing`, `auth.invalid`, `auth.expired`, `auth.revoked`)'),
  403: json(ref('Error'), 'The token lacks the role (`auth.forbidden`)'),
};

const PAGING = [
  query('page', { type: 'integer', minimum: 1, default: 1 }, 'Page number, from 1'),
  query('pageSize', { type: 'integer', minimum: 1, maximum: PAGE_SIZE_MAX, default: 50 }, `Items per page, at most ${PAGE_SIZE_MAX}`),
  // allowReserved: a time's ':' as curl and browsers send it, unencoded.
  { ...query('from', { type: 'string', format: 'date-time' }, 'From this time, included'), allowReserved: true },
  { ...query('to', { type: 'string', format: 'date-time' }, 'Up to this time, excluded'), allowReserved: true },
  query('unit', { type: 'string', minLength: 1, maxLength: 64 }, 'The approving unit (approved_by_unit)'),
  query('soDinhDanh', { type: 'string', pattern: SO_DINH_DANH_PATTERN }, 'A person (số định danh)'),
  query('source', { type: 'string', pattern: '^[a-z0-9-]{1,32}$' }, "The source the records were read from (a merged province's database; 'default' otherwise)"),
];

const PACKET_ID = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-fA-F][0-9a-fA-F-]{3,35}$' }, description: 'The packet id, or a unique prefix of it (at least 4 characters, as git takes a commit id; 409 `outbox.packet_id_ambiguous` lists the candidates)' };

function read(operationId: string, summary: string, parameters: unknown[], ok: unknown, extra: Record<string, unknown> = {}) {
  return {
    get: {
      operationId, summary, tags: ['ops'], parameters, 'x-required-role': 'auditor', security: [{ operatorToken: [] }],
      responses: { 200: ok, ...REFUSALS, ...extra },
    },
  };
}

const notFound = { 404: json(ref('Error'), 'Unknown (`outbox.packet_not_found`, `ops.person_not_found`)') };

const problem = { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, path: { type: 'string' }, message: { type: 'string' } } };
const counts = { type: 'object', additionalProperties: { type: 'integer' } };

export const opsOpenApi: OpenApiFragment = {
  paths: {
    '/api/ops/summary': read('opsSummary', 'Packets and records by state, failing records by code, the oldest unaccepted approval, the last sync', [],
      json(ref('OpsSummary'), 'The summary')),
    '/api/ops/packets': read('opsPackets', 'Packets, newest first', [
      query('state', { type: 'string', enum: [...PACKET_STATES] }, 'Packet state'),
      query('code', { type: 'string', minLength: 1, maxLength: 64 }, 'The national code the packet failed with'),
      ...PAGING,
    ], json(ref('PacketListing'), 'A page of packets')),
    '/api/ops/records': read('opsRecords', 'Record versions, newest approval first', [
      query('state', { type: 'string', enum: [...RECORD_STATES] }, 'Record state'),
      query('failing', { type: 'boolean' }, "Only failing versions: rejected or invalid, not settled, and still the person's latest (as the summary counts them)"),
      query('code', { type: 'string', minLength: 1, maxLength: 64 }, 'A national or mapping error code of the record'),
      ...PAGING,
    ], json(ref('RecordListing'), 'A page of record versions')),
    '/api/ops/packets/{id}': read('opsPacket', 'A packet: header, attempts, receipt, per-record results', [PACKET_ID],
      json(ref('PacketDetail'), 'The packet'), notFound),
    '/api/ops/packets/{id}/envelope': read('opsPacketEnvelope', 'The exact stored envelope bytes ({format, payload, signature})', [PACKET_ID],
      json(ref('StoredEnvelope'), 'The envelope, byte for byte as signed and sent'), notFound),
    '/api/ops/conflicts': read('opsConflicts', "A merged province's people two sources approve: both sources, both approval times, the differing field paths", [
      query('all', { type: 'boolean' }, 'Settled conflicts too (default: open ones only)'),
      query('source', { type: 'string', pattern: '^[a-z0-9-]{1,32}$' }, 'Conflicts one of whose sides is this source'),
    ], json(ref('ConflictListing'), 'The conflicts, oldest first')),
    '/api/ops/people/{soDinhDanh}': read('opsPerson', 'Every version of a person taken in, what became of it and why', [
      { name: 'soDinhDanh', in: 'path', required: true, schema: { type: 'string', pattern: SO_DINH_DANH_PATTERN }, description: 'The person (số định danh)' },
    ], json(ref('PersonHistory'), "The person's versions"), notFound),
    '/api/ops/people/{key}/explain': read('opsPersonExplain', 'A person by số định danh, CMND or vendor id: every version taken in, and each standing refusal with the vendor value (read live), the rule in words and what to change (vi, en)', [
      { name: 'key', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9A-Za-z_.:-]{1,64}$' }, description: 'The số định danh (12 digits), CMND (9 digits) or vendor person id, as `by` says' },
      query('by', { type: 'string', enum: ['soDinhDanh', 'cmnd', 'vendorId'], default: 'soDinhDanh' }, 'What `key` is'),
      query('source', { type: 'string', pattern: '^[a-z0-9-]{1,32}$' }, "A merged province's one source, as `tx person --source`: only its versions, read live from its database (a source removed from the sources file: its stored versions only). Without it, a merged province's person is looked up in every source, each person naming their source"),
    ], json(ref('PersonExplanation'), 'The people found, each with versions and refusals'), {
      ...notFound, 400: json(ref('Error'), 'A source neither in the sources file nor known to the store (`sources.unknown_source`), or a malformed parameter'), 422: json(ref('Error'), 'A CMND lookup, and the mapping declares no CMND column (`ops.cmnd_not_declared`)'),
      503: json(ref('Error'), 'No provincial database to read (`ops.source_unavailable`), or the source to read cannot be reached right now (`sources.source_unavailable`, try again)'),
    }),
  },
  schemas: {
    ConflictListing: {
      type: 'object', required: ['items'],
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object', required: ['id', 'soDinhDanh', 'sides', 'fields', 'openedAt', 'settled'],
            properties: {
              id: { type: 'string' }, soDinhDanh: { type: 'string' }, openedAt: { type: 'string', format: 'date-time' },
              sides: { type: 'array', items: { type: 'object', required: ['source', 'vendorId'], properties: { source: { type: 'string' }, vendorId: { type: 'string' }, approvalId: nullable('string'), approvedAt: nullable('string') } } },
              fields: { type: ['array', 'null'], items: { type: 'string' }, description: 'JSON paths where the records differ (no values)' },
              settled: { oneOf: [{ type: 'null' }, { type: 'object', required: ['at', 'by', 'reason', 'source'], properties: { at: { type: 'string' }, by: { type: 'string' }, reason: { type: 'string' }, source: { type: 'string' } } }] },
            },
          },
        },
      },
    },
    StoredEnvelope: {
      type: 'object', required: ['format', 'payload', 'signature'],
      properties: {
        format: { type: 'string', enum: ['json', 'xml'], description: 'How the payload is encoded' },
        payload: { type: 'string', contentEncoding: 'base64', description: 'The packet as sent (header and records)' },
        signature: { type: 'string', contentEncoding: 'base64', description: "The province's detached CMS signature over the payload" },
      },
    },
    Error: {
      type: 'object', required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } } },
    },
    Problem: problem,
    PersonExplanation: {
      type: 'object', required: ['lookup', 'people'],
      properties: {
        lookup: { type: 'object', properties: { by: { type: 'string' }, value: { type: 'string' } } },
        people: { type: 'array', items: { type: 'object', required: ['vendorId', 'versions', 'refusals'], properties: {
          vendorId: { type: 'string' }, soDinhDanh: nullable('string'), acceptedAt: nullable('string'), inSource: { type: 'boolean' },
          source: { type: 'string', description: "A merged province's look-up without `source`: the source this person (vendor id, versions) is of" },
          versions: { type: 'array', items: { type: 'object' } },
          refusals: { type: 'array', items: { type: 'object', required: ['path', 'code', 'stored', 'rule', 'fix'], properties: {
            versionId: { type: 'string' }, state: { type: 'string' }, code: { type: 'string' }, path: { type: 'string' }, message: { type: 'string' },
            stored: { type: 'array', items: { type: 'object', required: ['column'], properties: { column: { type: 'string' }, value: {} } } },
            ruleKey: nullable('string'),
            rule: { type: 'object', properties: { vi: { type: 'string' }, en: { type: 'string' } } },
            fix: { type: 'object', properties: { vi: { type: 'string' }, en: { type: 'string' } } },
          } } },
        } } },
        unavailable: {
          description: "A merged province's look-up without `source`: the sources that could not be read (`sources.source_unavailable`); the others answered",
          type: 'array', items: { type: 'object', required: ['source', 'code', 'message'], properties: { source: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
    OpsSummary: {
      description: 'failing: versions rejected or invalid, not settled, still the latest; oldestUnsentApproval: the oldest approval still on its way (queued or in an open packet)',
      type: 'object', required: ['packets', 'records', 'failing', 'failingByCode', 'oldestUnsentApproval', 'lastSync'],
      properties: {
        packets: counts, records: counts, failing: { type: 'integer' }, failingByCode: counts,
        oldestUnsentApproval: { oneOf: [{ type: 'null' }, { type: 'object', required: ['vendorId', 'approvedAt', 'ageHours'], properties: { vendorId: { type: 'string' }, approvedAt: { type: 'string', format: 'date-time' }, ageHours: { type: 'number' } } }] },
        lastSync: { oneOf: [{ type: 'null' }, { type: 'object', properties: { id: { type: 'string' }, startedAt: { type: 'string' }, finishedAt: nullable('string'), summary: {} } }] },
      },
    },
    RecordItem: {
      type: 'object', required: ['id', 'source', 'soDinhDanh', 'vendorId', 'state', 'approvedAt', 'packetId', 'errors'],
      properties: {
        id: { type: 'string' }, source: { type: 'string', description: "The source it was read from ('default' in a one-database province)" }, soDinhDanh: nullable('string'), vendorId: { type: 'string' }, approvalId: { type: 'string' }, operation: { type: 'string' },
        state: { type: 'string' }, approvedAt: { type: 'string', format: 'date-time' }, approvedByUnit: nullable('string'), packetId: nullable('string'),
        errors: { type: 'array', items: ref('Problem') }, updatedAt: { type: 'string' },
        failing: { type: 'boolean', description: "Rejected or invalid, not settled, and still the person's latest version" },
        settled: { oneOf: [{ type: 'null' }, ref('OperatorAct')], description: 'Who settled it (handled outside the gateway), when and why' },
        resent: { oneOf: [{ type: 'null' }, ref('OperatorAct')], description: "This version is an operator's re-send: who asked, when, why" },
        replacedBy: {
          oneOf: [{ type: 'null' }, {
            type: 'object', required: ['id', 'state', 'at', 'resent'],
            properties: { id: { type: 'string' }, state: { type: 'string' }, at: { type: 'string', format: 'date-time' }, resent: { oneOf: [{ type: 'null' }, ref('OperatorAct')] } },
          }],
          description: "The person's next version (a later approval, or a re-send), which speaks for them from then on",
        },
      },
    },
    OperatorAct: {
      type: 'object', required: ['at', 'by', 'reason'],
      properties: { at: { type: 'string', format: 'date-time' }, by: { type: 'string' }, reason: { type: 'string' } },
    },
    PacketItem: {
      type: 'object', required: ['packetId', 'state', 'recordCount', 'createdAt'],
      properties: {
        packetId: { type: 'string', format: 'uuid' }, state: { type: 'string' }, format: { type: 'string' }, recordCount: { type: 'integer' }, payloadBytes: { type: 'integer' },
        createdAt: { type: 'string' }, sentAt: nullable('string'), completedAt: nullable('string'), receiptId: nullable('string'), nationalCode: nullable('string'), lastError: nullable('string'),
      },
    },
    RecordListing: { type: 'object', required: ['page', 'pageSize', 'total', 'items'], properties: { page: { type: 'integer' }, pageSize: { type: 'integer' }, total: { type: 'integer' }, items: { type: 'array', items: ref('RecordItem') } } },
    PacketListing: { type: 'object', required: ['page', 'pageSize', 'total', 'items'], properties: { page: { type: 'integer' }, pageSize: { type: 'integer' }, total: { type: 'integer' }, items: { type: 'array', items: ref('PacketItem') } } },
    PacketDetail: {
      allOf: [ref('PacketItem'), {
        type: 'object', required: ['header', 'attempts', 'receipt', 'records'],
        properties: {
          header: { type: 'object' },
          attempts: { type: 'array', items: { type: 'object', properties: { operation: { type: 'string' }, startedAt: { type: 'string' }, durationMs: { type: 'integer' }, httpStatus: nullable('integer'), nationalCode: nullable('string'), requestId: { type: 'string' }, error: nullable('string') } } },
          receipt: { oneOf: [{ type: 'null' }, { type: 'object', properties: { status: { type: 'string' }, receivedAt: { type: 'string' }, body: {} } }] },
          records: { type: 'array', items: { type: 'object', properties: { soDinhDanh: { type: 'string' }, approvedAt: { type: 'string' }, result: nullable('string'), errors: { type: 'array', items: ref('Problem') }, versionId: nullable('string'), state: nullable('string') } } },
        },
      }],
    },
    PersonHistory: {
      type: 'object', required: ['soDinhDanh', 'versions'],
      properties: {
        soDinhDanh: { type: 'string' }, acceptedAt: nullable('string'),
        versions: { type: 'array', items: { allOf: [ref('RecordItem'), { type: 'object', properties: { packetState: nullable('string'), packetNationalCode: nullable('string'), packetError: nullable('string'), outcome: { type: 'string' } } }] } },
      },
    },
  },
};
