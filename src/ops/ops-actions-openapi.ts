import type { OpenApiFragment } from '../http/openapi.js';

/**
 * The operators' actions in the gateway's OpenAPI document (routes: ops-actions-router.ts).
 * `reason` is not marked required: a missing or blank one is refused by the service itself
 * with 400 ops.reason_required, the same code the CLI gives.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const refusal = (description: string) => ({ description, content: { 'application/json': { schema: ref('OpsActionErrorBody') } } });

function action(operationId: string, summary: string, description: string, parameter: { name: string; description: string; schema: Record<string, unknown> }, notFound: string) {
  return {
    post: {
      operationId,
      summary,
      description,
      tags: ['operators'],
      'x-required-role': 'operator',
      security: [{ operatorToken: [] }],
      parameters: [{ in: 'path', required: true, ...parameter }],
      requestBody: { required: true, content: { 'application/json': { schema: ref('OpsActionRequest') } } },
      responses: {
        200: { description: 'done; what was queued and sent', content: { 'application/json': { schema: ref('OpsActionResult') } } },
        400: refusal('ops.reason_required: no reason given'),
        401: refusal('no or a wrong bearer token'),
        403: refusal('the token is not an operator\'s'),
        404: refusal(notFound),
        409: refusal('not in a state the action applies to (outbox.state_conflict, ops.not_retryable...), a sync is running (ops.sync_running), or a merged province\'s re-send or prefer would act for a source removed from the sources file (sources.source_removed)'),
        503: refusal('ops.national_unavailable: no national side to send with'),
      },
    },
  };
}

const PACKET_ID = { name: 'id', description: 'the packet id (UUID), or a unique prefix of it (at least 4 characters)', schema: { type: 'string', pattern: '^[0-9a-fA-F][0-9a-fA-F-]{3,35}$' } };

export const opsActionsOpenApi: OpenApiFragment = {
  paths: {
    '/api/ops/packets/{id}/retry': action(
      'retryPacket', 'Retry a packet',
      'A pending packet (the national side was unavailable) is posted again as the same stored bytes; the records of a packet refused whole with a 4xx are released into new packets, packed and sent now. A stored packet is never edited or re-signed.',
      PACKET_ID, 'outbox.packet_not_found',
    ),
    '/api/ops/packets/{id}/cancel': action(
      'cancelPacket', 'Cancel a pending packet',
      'The packet is never posted again; its records go back to the queue, for the next sync to pack into new packets.',
      PACKET_ID, 'outbox.packet_not_found',
    ),
    '/api/ops/people/{soDinhDanh}/resend': action(
      'resendPerson', 'Re-send a person',
      'The person\'s current approved data, from the provincial database, as a new version, packed and sent now: for when the national side lost what it accepted.',
      { name: 'soDinhDanh', description: 'the person\'s số định danh', schema: { type: 'string', pattern: '^[0-9]{9,12}$' } },
      'ops.person_not_found: the gateway never took in this số định danh',
    ),
    '/api/ops/people/{soDinhDanh}/prefer': (() => {
      const doc = action(
        'preferSource', "Settle a person two sources approve, for one source",
        "A merged province (SOURCES_FILE): the person's conflict is settled for `source`, which speaks for them from now on; its held record is packed and sent now as an update of the national record. Audited with the reason and the source.",
        { name: 'soDinhDanh', description: 'the person\'s số định danh', schema: { type: 'string', pattern: '^[0-9]{9,12}$' } },
        'ops.conflict_not_found: no open conflict for this số định danh',
      );
      return { post: { ...doc.post, requestBody: { required: true, content: { 'application/json': { schema: ref('OpsPreferRequest') } } } } };
    })(),
    '/api/ops/records/{id}/settle': action(
      'settleRecord', 'Settle a failing record version',
      'A rejected or invalid record version handled outside the gateway stops counting as failing; it stays on record with its state and errors.',
      { name: 'id', description: 'the record version id', schema: { type: 'string', pattern: '^[0-9]{1,18}$' } },
      'outbox.record_not_found',
    ),
  },
  schemas: {
    OpsPreferRequest: {
      type: 'object',
      required: ['source'],
      properties: {
        source: { type: 'string', pattern: '^[a-z0-9-]{1,32}$', description: 'the source that speaks for the person from now on' },
        reason: { type: 'string', description: 'why; kept in the audit log as its purpose' },
      },
    },
    OpsActionRequest: {
      type: 'object',
      properties: { reason: { type: 'string', description: 'why; kept in the audit log as its purpose' } },
    },
    OpsActionResult: {
      type: 'object',
      required: ['action', 'queued', 'packets', 'leftForNextSync', 'summary'],
      properties: {
        action: { enum: ['retry', 'resend', 'settle', 'cancel', 'prefer'] },
        queued: { type: 'integer', description: 'record versions this action put in the queue' },
        packets: {
          type: 'array',
          description: 'packets posted now, in order',
          items: {
            type: 'object',
            required: ['packetId', 'send'],
            properties: {
              packetId: { type: 'string', format: 'uuid' },
              send: { enum: ['sent', 'failed', 'outage'] },
              receipt: { enum: ['landed', 'waiting'] },
            },
          },
        },
        leftForNextSync: { type: 'integer', description: 'record versions still queued: the next sync packs them' },
        summary: { type: 'object', description: 'counts of what was sent now, as a sync reports them', additionalProperties: { type: ['integer', 'boolean'] } },
      },
    },
    OpsActionErrorBody: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
};
