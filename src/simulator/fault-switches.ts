import Ajv2020Module from 'ajv/dist/2020.js';
import { SimulatorError } from './simulator-errors.js';

/**
 * Fault switches: what the simulator does wrong on purpose, so clients can
 * rehearse every failure the contract announces ("429 or 503 with Retry-After", "any 5xx, a
 * reset connection or a timeout", "tokens may be revoked", "a packet takes from milliseconds to
 * hours"). Set in code or over HTTP (`/_sim/faults`); `reset()` clears them all. Pure state: the
 * controllers read it, nothing here touches a socket.
 */
export const CALL_KINDS = ['token', 'push', 'receipt', 'pull'] as const;
export type CallKind = (typeof CALL_KINDS)[number];

/** One scripted answer, consumed by the next call of its kind. */
export interface ScriptedAnswer {
  /** HTTP status to answer with (ignored when `reset`). */
  status?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** JSON body; default `{code, message}` for the status. */
  body?: unknown;
  /** Destroy the connection instead of answering. */
  reset?: boolean;
  /** Wait this long before answering this call. */
  delayMs?: number;
  /**
   * Push only: handle the packet for real (store it, start processing) and only then answer
   * this way, so the client cannot know the outcome (contract: "the outcome is unknown").
   */
  afterStore?: boolean;
}

export interface FaultUpdate {
  /** Appended to the queue of each kind. */
  script?: Partial<Record<CallKind, ScriptedAnswer[]>>;
  /** Fixed delay before answering every contract call. */
  delayMs?: number;
  /** How long a received packet stays `processing` before it is processed. */
  processingDelayMs?: number;
  /** The next N packets end `failed` and store nothing. */
  failNextPackets?: number;
  /** Revoke every token issued so far. */
  revokeTokens?: boolean;
}

export interface FaultSnapshot {
  script: Record<CallKind, ScriptedAnswer[]>;
  delayMs: number;
  processingDelayMs: number;
  failNextPackets: number;
  /** Bumped by each revocation; a token is valid only in the epoch that issued it. */
  tokenEpoch: number;
}

const answerSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'integer', minimum: 200, maximum: 599 },
    retryAfter: { type: 'integer', minimum: 0 },
    body: {},
    reset: { type: 'boolean' },
    delayMs: { type: 'integer', minimum: 0, maximum: 600_000 },
    afterStore: { type: 'boolean' },
  },
  anyOf: [{ required: ['status'] }, { required: ['reset'], properties: { reset: { const: true } } }],
};

const updateSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    script: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(CALL_KINDS.map((k) => [k, { type: 'array', items: answerSchema }])),
    },
    delayMs: { type: 'integer', minimum: 0, maximum: 600_000 },
    processingDelayMs: { type: 'integer', minimum: 0 },
    failNextPackets: { type: 'integer', minimum: 0 },
    revokeTokens: { type: 'boolean' },
  },
};

const Ajv2020 = Ajv2020Module.default;
const validateUpdate = new Ajv2020({ allErrors: true, strict: false }).compile(updateSchema);

/** A fault update from JSON (the `/_sim/faults` body), or `simulator.bad_faults` with {path, message}. */
export function parseFaultUpdate(value: unknown): FaultUpdate {
  if (validateUpdate(value)) {
    const update = value as FaultUpdate;
    for (const kind of CALL_KINDS) {
      if (kind !== 'push' && update.script?.[kind]?.some((a) => a.afterStore)) {
        throw new SimulatorError('simulator.bad_faults', 'afterStore applies to push only', [{ path: `/script/${kind}`, message: 'afterStore applies to push only' }]);
      }
    }
    return update;
  }
  const details = (validateUpdate.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message ?? e.keyword }));
  throw new SimulatorError('simulator.bad_faults', 'the fault update does not have the expected shape', details);
}

const emptyScript = (): Record<CallKind, ScriptedAnswer[]> => ({ token: [], push: [], receipt: [], pull: [] });

export class FaultSwitches {
  private script = emptyScript();
  private delay = 0;
  private processingDelay: number;
  private failures = 0;
  private epoch = 0;

  /** `processingDelayMs` is the configured default that `reset()` returns to. */
  constructor(private readonly defaults: { processingDelayMs?: number } = {}) {
    this.processingDelay = defaults.processingDelayMs ?? 0;
  }

  apply(update: FaultUpdate): FaultSnapshot {
    for (const kind of CALL_KINDS) this.script[kind].push(...(update.script?.[kind] ?? []).map((a) => ({ ...a })));
    if (update.delayMs !== undefined) this.delay = update.delayMs;
    if (update.processingDelayMs !== undefined) this.processingDelay = update.processingDelayMs;
    if (update.failNextPackets !== undefined) this.failures = update.failNextPackets;
    if (update.revokeTokens) this.revokeTokens();
    return this.snapshot();
  }

  /** Queues answers for the next calls of `kind`. */
  scriptNext(kind: CallKind, ...answers: ScriptedAnswer[]): void {
    this.apply({ script: { [kind]: answers } });
  }

  /** The scripted answer for this call, consumed; undefined when none is queued. */
  take(kind: CallKind): ScriptedAnswer | undefined {
    return this.script[kind].shift();
  }

  revokeTokens(): void {
    this.epoch += 1;
  }

  get tokenEpoch(): number {
    return this.epoch;
  }

  get delayMs(): number {
    return this.delay;
  }

  get processingDelayMs(): number {
    return this.processingDelay;
  }

  /** True (and counted down) when the packet now being processed must fail. */
  takePacketFailure(): boolean {
    if (this.failures <= 0) return false;
    this.failures -= 1;
    return true;
  }

  /** Clears every switch; revoked tokens stay revoked. */
  reset(): FaultSnapshot {
    this.script = emptyScript();
    this.delay = 0;
    this.processingDelay = this.defaults.processingDelayMs ?? 0;
    this.failures = 0;
    return this.snapshot();
  }

  snapshot(): FaultSnapshot {
    return {
      script: Object.fromEntries(CALL_KINDS.map((k) => [k, this.script[k].map((a) => ({ ...a }))])) as FaultSnapshot['script'],
      delayMs: this.delay,
      processingDelayMs: this.processingDelay,
      failNextPackets: this.failures,
      tokenEpoch: this.epoch,
    };
  }
}
