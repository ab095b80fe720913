import { Router, type Request, type Response } from 'express';
import { actorOf, requireRole } from '../http/api-actor.js';
import { AuditError } from './audit-errors.js';
import { renderReport } from './access-report.js';
import { entryView, parseFormat, parseLimit, parseSince, parseSoDinhDanh, type AuditReader, type Who } from './audit-service.js';

/**
 * The auditors' routes (described in audit-openapi.ts): the audit log, newest first, with the
 * CLI's filters and a `before` cursor for the next page; and a person's access report. Both
 * need the auditor role (an operator has it too) and are themselves audited (audit-service.ts).
 */
export const DEFAULT_PAGE = 100;

/**
 * One query parameter as text (the request validator may already have made a number of it);
 * a repeated one is a bad request, not an array to guess from.
 */
function queryText(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined || typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new AuditError('audit.bad_query', `query parameter '${name}' must be given once`, { status: 400 });
}

function whoOf(req: Request, res: Response): Who {
  const actor = actorOf(res);
  return { actor: { kind: 'token', name: actor.name }, requestId: req.id };
}

function parseBefore(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new AuditError('audit.bad_query', 'before must be an entry number >= 1', { status: 400 });
  return n;
}

export function auditRouter(reader: AuditReader): Router {
  const router = Router();

  router.get('/api/ops/audit', requireRole('auditor'), async (req, res) => {
    const limit = parseLimit(queryText(req, 'limit'), DEFAULT_PAGE);
    const person = queryText(req, 'person');
    const actor = queryText(req, 'actor');
    const action = queryText(req, 'action');
    const since = parseSince(queryText(req, 'since'));
    const beforeSeq = parseBefore(queryText(req, 'before'));
    const entries = await reader.list({
      limit,
      ...(person !== undefined ? { person: parseSoDinhDanh(person) } : {}),
      ...(actor ? { actor } : {}),
      ...(action ? { action } : {}),
      ...(since ? { since } : {}),
      ...(beforeSeq !== undefined ? { beforeSeq } : {}),
    }, whoOf(req, res));
    const last = entries[entries.length - 1];
    res.json({ entries: entries.map(entryView), next: entries.length === limit && last && last.seq > 1 ? last.seq : null });
  });

  router.get('/api/ops/people/:soDinhDanh/access', requireRole('auditor'), async (req, res) => {
    const soDinhDanh = parseSoDinhDanh(String(req.params.soDinhDanh));
    const since = parseSince(queryText(req, 'since'));
    const format = parseFormat(queryText(req, 'format'));
    const report = await reader.accessReport(soDinhDanh, since, whoOf(req, res));
    const { contentType, body } = renderReport(report, format);
    res.type(contentType).send(body);
  });

  return router;
}
