import type { X509Certificate } from 'node:crypto';
import express, { Router, type Request } from 'express';
import { AGENCY_CODE_PATTERN, type NationalContract } from '../contract/national-contract.js';
import type { Db } from '../db/db.js';
import { createPayloadCodec } from '../encoding/payload-codec.js';
import { buildEnvelope, type CmsSigner } from '../signing/cms-signer.js';
import { gated, parseBody, type Answer } from './call-gate.js';
import type { FaultSwitches } from './fault-switches.js';
import { readHeldRecord } from './held-records.js';
import { findPacket, packetResults } from './ledger-store.js';
import type { PushLimits, PushService } from './push-service.js';
import { NationalRefusal } from './simulator-errors.js';
import type { SimulatorClient, TokenStore } from './token-store.js';
import { isSoDinhDanh } from '../contract/so-dinh-danh.js';

/**
 * The contract's four calls (contract README): token, push, receipt, pull. Each handler
 * authenticates, checks the caller's headers and returns an Answer; call-gate.ts applies the
 * fault switches and writes it.
 */
export interface NationalControllerOptions {
  db: Db;
  contract: NationalContract;
  faults: FaultSwitches;
  tokens: TokenStore;
  push: PushService;
  limits: PushLimits;
  ministrySigner: Pick<CmsSigner, 'sign'>;
  anchorsOf: (client: SimulatorClient) => X509Certificate[];
}

const TRANSFER_IN = 'transfer-in';

const formBody = express.urlencoded({ extended: false, limit: '16kb' });
const tokenBodyErrors = {
  tooLarge: new NationalRefusal('SCHEMA_INVALID', 'the token request body is too large'),
  notJson: new NationalRefusal('SCHEMA_INVALID', 'the token request body is not a form'),
};
const noBodyErrors = tokenBodyErrors;

export function nationalController(options: NationalControllerOptions): Router {
  const { db, contract, faults, tokens, push, limits, ministrySigner } = options;
  const codec = createPayloadCodec(contract);
  // The envelope of a payload at the limit: base64 grows it by 4/3; a margin for the signature.
  const envelopeBody = express.json({ limit: Math.ceil((limits.maxPayloadBytes * 4) / 3) + 1024 * 1024, strict: true });
  const pushBodyErrors = {
    tooLarge: new NationalRefusal('PACKET_TOO_LARGE', `the envelope is larger than a ${limits.maxPayloadBytes}-byte payload allows`),
    notJson: new NationalRefusal('BAD_ENVELOPE', 'the body is not a JSON envelope'),
  };

  /** The caller's client: a valid bearer token and the matching X-Consumer-Code. */
  function caller(req: Request): SimulatorClient {
    const { client } = tokens.authenticate(req.header('authorization'));
    const consumer = req.header('x-consumer-code');
    if (consumer !== client.consumerCode) {
      throw new NationalRefusal(
        'AGENCY_ID_INCORRECT',
        `X-Consumer-Code ${consumer ?? '(missing)'} is not the agency of this token's client (${client.consumerCode})`,
      );
    }
    return client;
  }

  const router = Router();

  router.post('/oauth2/token', gated('token', faults, async (req, res): Promise<Answer> => {
    const client = tokens.client(req.header('authorization'));
    await parseBody(formBody, req, res);
    const grant = (req.body as Record<string, unknown> | undefined)?.grant_type;
    if (grant !== 'client_credentials') {
      throw new NationalRefusal('UNSUPPORTED_GRANT_TYPE', 'grant_type must be client_credentials (form body)');
    }
    const token = tokens.issue(client);
    return {
      status: 200,
      body: { access_token: token.accessToken, token_type: 'Bearer', expires_in: token.expiresIn },
      headers: { 'Cache-Control': 'no-store' },
    };
  }, tokenBodyErrors));

  router.post('/csdl/v1/packets', gated('push', faults, async (req, res): Promise<Answer> => {
    const client = caller(req);
    await parseBody(envelopeBody, req, res);
    if (req.body === undefined) throw new NationalRefusal('BAD_ENVELOPE', 'the body must be a JSON envelope (Content-Type: application/json)');
    const answer = await push.receive(req.body, { consumerCode: client.consumerCode, trustAnchors: options.anchorsOf(client) });
    return { status: answer.status, body: answer.body };
  }, pushBodyErrors));

  router.get('/csdl/v1/packets/:packetId', gated('receipt', faults, async (req): Promise<Answer> => {
    const client = caller(req);
    const packetId = String(req.params.packetId);
    const packet = await findPacket(db, packetId);
    // Another sender's packet is answered as unknown: receipts are not shared between agencies.
    if (!packet || packet.sender !== client.consumerCode) {
      throw new NationalRefusal('PACKET_NOT_FOUND', `no packet ${packetId} from ${client.consumerCode}`);
    }
    const body: Record<string, unknown> = {
      packetId: packet.packetId,
      receiptId: packet.receiptId,
      status: packet.status,
      receivedAt: packet.receivedAt.toISOString(),
    };
    if (packet.completedAt) body.completedAt = packet.completedAt.toISOString();
    if (packet.error) body.error = packet.error;
    if (packet.status === 'done') body.results = await packetResults(db, packetId);
    return { status: 200, body };
  }, noBodyErrors));

  router.get('/csdl/v1/officials/:soDinhDanh', gated('pull', faults, async (req): Promise<Answer> => {
    caller(req);
    const purpose = req.header('x-purpose');
    if (purpose !== TRANSFER_IN) {
      throw new NationalRefusal('PURPOSE_NOT_ALLOWED', `X-Purpose ${purpose ?? '(missing)'} is not allowed; the only purpose served is ${TRANSFER_IN}`);
    }
    const unit = req.header('x-receiving-unit');
    if (!unit || !AGENCY_CODE_PATTERN.test(unit)) {
      throw new NationalRefusal('SCHEMA_INVALID', 'X-Receiving-Unit must be the agency code of the receiving unit', [
        { path: 'X-Receiving-Unit', message: `${unit ?? '(missing)'} is not an agency code DDD.DD.DD.Xnn` },
      ]);
    }
    const soDinhDanh = String(req.params.soDinhDanh);
    const held = isSoDinhDanh(soDinhDanh) ? await readHeldRecord(db, codec, soDinhDanh) : undefined;
    if (!held) throw new NationalRefusal('RECORD_NOT_FOUND', `no national record for ${soDinhDanh}`);
    // "Records migrated from older systems come as XML"; otherwise the caller's preference.
    const format = held.migrated || req.accepts(['application/json', 'application/xml']) === 'application/xml' ? 'xml' : 'json';
    const envelope = buildEnvelope(format, codec.encode('record', format, held.record), ministrySigner);
    return { status: 200, body: envelope };
  }, noBodyErrors));

  return router;
}
