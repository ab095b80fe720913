import { setTimeout as sleep } from 'node:timers/promises';
import type { NextFunction, Request, Response } from 'express';
import { isGatewayError } from '../errors.js';
import { requestIdOf } from '../http/request-context.js';
import type { CallKind, FaultSwitches, ScriptedAnswer } from './fault-switches.js';
import { NationalRefusal } from './simulator-errors.js';

/**
 * How every contract call is answered: the X-Request-Id echoed (contract README: "echoed back
 * in the response"), the fault switches applied first (a scripted 503 means "nothing was
 * stored"), or last for a push scripted `afterStore` (the outcome is unknown to the client),
 * and refusals written as the contract's `{code, message, errors?}`.
 */
export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Echoes the caller's X-Request-Id (a fresh one when absent or unreasonable). */
export function echoRequestId(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Request-Id', requestIdOf(req.header('x-request-id')));
  next();
}

const SCRIPTED_CODES: Readonly<Record<number, string>> = {
  401: 'AUTHEN_ERROR',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

function scriptedAnswer(a: ScriptedAnswer): Answer {
  const status = a.status ?? 503;
  const body = a.body ?? { code: SCRIPTED_CODES[status] ?? `HTTP_${status}`, message: 'scripted answer (simulator fault switch)' };
  return { status, body, ...(a.retryAfter === undefined ? {} : { headers: { 'Retry-After': String(a.retryAfter) } }) };
}

/** A thrown value as the answer the national side gives. */
export function answerOf(err: unknown, bodyErrors: { tooLarge: NationalRefusal; notJson: NationalRefusal }): Answer {
  const parser = err as { type?: string };
  if (parser.type === 'entity.too.large') return refusalAnswer(bodyErrors.tooLarge);
  if (parser.type === 'entity.parse.failed' || parser.type === 'encoding.unsupported' || parser.type === 'charset.unsupported') {
    return refusalAnswer(bodyErrors.notJson);
  }
  if (err instanceof NationalRefusal) return refusalAnswer(err);
  if (isGatewayError(err) && err.status !== undefined && err.status < 500) {
    return { status: err.status, body: { code: err.code, message: err.message, ...(err.details.length ? { errors: err.details } : {}) } };
  }
  throw err;
}

function refusalAnswer(err: NationalRefusal): Answer {
  const headers: Record<string, string> = err.code === 'AUTHEN_ERROR' ? { 'WWW-Authenticate': 'Bearer' } : {};
  return { status: err.status, body: err.body(), headers };
}

function send(res: Response, answer: Answer): void {
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  res.status(answer.status).json(answer.body);
}

export type CallHandler = (req: Request, res: Response) => Promise<Answer>;

/** Wraps a contract call in the fault switches of its kind. */
export function gated(
  kind: CallKind,
  faults: FaultSwitches,
  handler: CallHandler,
  bodyErrors: { tooLarge: NationalRefusal; notJson: NationalRefusal },
) {
  return async (req: Request, res: Response): Promise<void> => {
    const scripted = faults.take(kind);
    const delay = faults.delayMs + (scripted?.delayMs ?? 0);
    if (delay > 0) await sleep(delay);
    if (scripted && !scripted.afterStore) {
      if (scripted.reset) req.socket.destroy();
      else send(res, scriptedAnswer(scripted));
      return;
    }
    let answer: Answer;
    try {
      answer = await handler(req, res);
    } catch (err) {
      answer = answerOf(err, bodyErrors);
    }
    if (scripted?.reset) req.socket.destroy();
    else if (scripted) send(res, scriptedAnswer(scripted));
    else send(res, answer);
  };
}

/** Runs an express body parser inside a handler, so faults and authentication come first. */
export function parseBody(
  parser: (req: Request, res: Response, next: (err?: unknown) => void) => void,
  req: Request,
  res: Response,
): Promise<void> {
  return new Promise((resolve, reject) => parser(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
}
