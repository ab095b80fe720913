import { Router, type Request, type Response } from 'express';
import { actorOf, requireRole } from '../http/api-actor.js';
import type { ReadContext, OpsService } from './ops-service.js';
import type { PacketFilter, RecordFilter } from './ops-types.js';
import type { PersonExplainer, PersonLookup, SourceExplainer } from './person-explain-service.js';
import { OpsActionError } from './ops-actions-error.js';

/**
 * GET /api/ops/...: the operators' read API (described in ops-openapi.ts). The bearer-token
 * middleware and the request validator in front of every /api route (src/http/http-app.ts)
 * have checked the token and the parameters' shapes (and coerced numbers) before a handler
 * runs; an auditor's token is enough for every read.
 */
function context(req: Request, res: Response): ReadContext {
  const actor = actorOf(res);
  return { actor: { kind: actor.kind, name: actor.name }, requestId: req.id };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const whole = (v: unknown, fallback: number): number => (v === undefined || v === '' ? fallback : Number(v));
const time = (v: unknown): Date | undefined => (typeof v === 'string' && v !== '' ? new Date(v) : undefined);

/** The filters of a listing from its query (shapes already checked against the document). */
export function filterOf(query: Record<string, unknown>): RecordFilter & PacketFilter {
  const f: RecordFilter & PacketFilter = { page: whole(query.page, 1), pageSize: whole(query.pageSize, 50) };
  const state = text(query.state);
  const code = text(query.code);
  const unit = text(query.unit);
  const soDinhDanh = text(query.soDinhDanh);
  const source = text(query.source);
  const from = time(query.from);
  const to = time(query.to);
  return {
    ...f, ...(query.failing === 'true' || query.failing === true ? { failing: true } : {}), ...(state ? { state } : {}), ...(code ? { code } : {}), ...(unit ? { unit } : {}),
    ...(soDinhDanh ? { soDinhDanh } : {}), ...(source ? { source } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}),
  };
}

const LOOKUPS: ReadonlySet<string> = new Set(['soDinhDanh', 'cmnd', 'vendorId']);

/** `bySource`: a merged province's explanation from one source (`?source=NAME`). */
export function opsRouter(service: OpsService, explainer?: PersonExplainer, bySource?: SourceExplainer): Router {
  const router = Router();
  const read = requireRole('auditor');
  router.get('/api/ops/summary', read, async (req, res) => {
    res.json(await service.summary(context(req, res)));
  });
  router.get('/api/ops/packets', read, async (req, res) => {
    res.json(await service.packets(context(req, res), filterOf(req.query)));
  });
  router.get('/api/ops/records', read, async (req, res) => {
    res.json(await service.records(context(req, res), filterOf(req.query)));
  });
  router.get('/api/ops/packets/:id', read, async (req, res) => {
    res.json(await service.packet(context(req, res), req.params.id as string));
  });
  router.get('/api/ops/packets/:id/envelope', read, async (req, res) => {
    const envelope = await service.envelope(context(req, res), req.params.id as string);
    // The stored bytes as they are: re-serialising the JSON could change them and break the signature's story.
    res.type('application/json').send(envelope);
  });
  router.get('/api/ops/conflicts', read, async (req, res) => {
    const source = text(req.query.source);
    const all = req.query.all === 'true' || (req.query.all as unknown) === true;
    res.json({ items: await service.conflicts(context(req, res), { ...(all ? { all } : {}), ...(source ? { source } : {}) }) });
  });
  router.get('/api/ops/people/:soDinhDanh', read, async (req, res) => {
    res.json(await service.person(context(req, res), req.params.soDinhDanh as string));
  });
  // The person as an operator knows them (`by`: số định danh, CMND or vendor id), each refusal explained (person-explain-service.ts).
  router.get('/api/ops/people/:key/explain', read, async (req, res) => {
    const by = text(req.query.by) ?? 'soDinhDanh';
    const lookup = { by: LOOKUPS.has(by) ? by : 'soDinhDanh', value: req.params.key as string } as PersonLookup;
    const source = text(req.query.source);
    if (source !== undefined && bySource) return void res.json(await bySource(context(req, res), lookup, source));
    if (!explainer) throw new OpsActionError('ops.source_unavailable', 'this gateway reads no provincial database, so it cannot explain a refusal');
    res.json(await explainer.explain(context(req, res), lookup));
  });
  return router;
}
