import type { Worker } from 'node:worker_threads';
import { nationalContract } from '../contract/national-contract.js';
import { spawnModuleWorker } from '../threads/module-worker.js';
import type { RawPerson } from './raw-person.js';
import { mapRawChunk, transportOptions, type MappedPerson, type TransportFlags } from './mapped-person.js';
import type { CompiledMapping } from './mapping-compiler.js';
import { MappingError } from './mapping-error.js';
import type { ReferenceData } from './mapping-types.js';
import type { FromWorker, ToWorker, WorkerInit } from './mapping-worker.js';

/**
 * Mapping on worker threads. Parsing a person's JSON, mapping, pre-validating and serialising
 * the record take about 100 µs of one core per person; reading and storing take the rest, so
 * on the main thread alone mapping capped a run near 7,000 people/s. `threads` workers each
 * compile the same mapping; chunks go to the least busy one and come back in the order asked.
 * With `threads: 0` the same work is done on the calling thread (tests, debugging).
 */
export interface PersonMapper {
  readonly threads: number;
  /** How many chunks to keep asked for (mapAhead's depth) so that every thread stays busy. */
  readonly inFlight: number;
  /** The chunk's persons mapped, in the chunk's order. */
  map(raws: RawPerson[], reference: ReferenceData): Promise<MappedPerson[]>;
  close(): Promise<void>;
}

/** `xml` and `hash` (TransportFlags) say what each valid record carries beside its JSON. */
export interface PersonMapperOptions extends TransportFlags {
  threads: number;
  /**
   * When every thread already holds two chunks (one in hand, one waiting), map the next one on
   * the calling thread instead of queueing a third. For callers whose own thread mostly waits
   * (the map command): a chunk mapped there is not copied to a thread and back, which on two
   * cores made one thread plus the caller faster than two threads.
   */
  callerShares?: boolean;
}

/**
 * How many chunks to keep asked for so that every thread stays busy: on the calling thread,
 * one chunk read while the other is mapped; on threads, two per thread (one in hand, one
 * waiting), and one for the caller when it shares. The one rule for `PersonMapper.inFlight`
 * and for callers that size their read-ahead before the mapper exists.
 */
export function inFlightFor(threads: number, callerShares = false): number {
  if (threads <= 0) return 2;
  return threads * 2 + (callerShares ? 1 : 0);
}

export function createPersonMapper(mapping: CompiledMapping, options: PersonMapperOptions): PersonMapper {
  return options.threads > 0 ? createPool(mapping, options) : createInline(mapping, options);
}

/** Just the flags: `options` as given may hold more than a thread's workerData should. */
function flagsOf({ xml, hash }: PersonMapperOptions): TransportFlags {
  return { xml, hash };
}

function createInline(mapping: CompiledMapping, options: PersonMapperOptions): PersonMapper {
  const transport = transportOptions(mapping.contract, flagsOf(options));
  return {
    threads: 0,
    inFlight: inFlightFor(0),
    map: async (raws, reference) => mapRawChunk(mapping, raws, reference, transport),
    close: () => Promise.resolve(),
  };
}

/**
 * A mapping thread's young generation is capped: left to V8 it grew to 32 MB (a chunk's parsed
 * persons and records die young), which with the old generation sized after it made each
 * thread ~90 MB of a sync's peak RSS; at 8 MB a thread peaked at ~62 MB and mapped as fast
 * (docs/decisions/sync-throughput.md). The old generation is left to V8's default.
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 8 } as const;

interface Job {
  resolve: (results: MappedPerson[]) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  jobs: Map<number, Job>;
}

function createPool(mapping: CompiledMapping, options: PersonMapperOptions): PersonMapper {
  const shared = createSharedPool([mapping], options);
  const one = shared.mapperFor(0);
  return { ...one, close: () => shared.close() };
}

/**
 * Mapping threads shared by several mappings (a merged province's sources, each with its own
 * mapping): `threads` workers each compile every mapping, and each mapping's chunks go to the
 * least busy one. One pool for all sources keeps the threads a machine has for mapping at what
 * one source uses: a thread per source beside them only made every thread slower on the same
 * cores. Closing a mapper of the pool does nothing; `close` ends the pool.
 */
export interface SharedPersonMappers {
  mapperFor(index: number): PersonMapper;
  close(): Promise<void>;
}

export function createSharedPersonMappers(mappings: CompiledMapping[], options: PersonMapperOptions): SharedPersonMappers {
  if (options.threads <= 0) {
    return { mapperFor: (i) => createInline(mappings[i]!, options), close: () => Promise.resolve() };
  }
  return createSharedPool(mappings, options);
}

function createSharedPool(mappings: CompiledMapping[], options: PersonMapperOptions): SharedPersonMappers {
  const contract = nationalContract();
  if (mappings.some((m) => m.contract !== contract)) throw new MappingError('mapping.contract_mismatch', 'mapping threads serve mappings compiled against the national contract');
  const init: WorkerInit = { mappings: mappings.map((m) => m.documents), transport: flagsOf(options) };
  const transport = transportOptions(contract, init.transport);
  const references = new WeakMap<ReferenceData, number>();
  let lastReference = 0;
  /** The reference data every thread holds now, per mapping. */
  const lastSent = new Map<number, number>();
  let nextJob = 0;
  let broken: Error | undefined;
  let closing = false;

  const threads: Thread[] = Array.from({ length: options.threads }, () => {
    const thread: Thread = { worker: spawnModuleWorker(import.meta.url, 'mapping-worker', init, THREAD_LIMITS), jobs: new Map() };
    // A thread with nothing to do never keeps the process alive.
    thread.worker.unref();
    thread.worker.on('message', (answer: FromWorker) => {
      const job = thread.jobs.get(answer.jobId);
      if (!job) return;
      thread.jobs.delete(answer.jobId);
      if (thread.jobs.size === 0) thread.worker.unref();
      if ('error' in answer) job.reject(new MappingError('mapping.thread_failed', `mapping thread: ${answer.error}`));
      else job.resolve(answer.results);
    });
    const fail = (err: Error) => {
      broken ??= err;
      for (const job of thread.jobs.values()) job.reject(err);
      thread.jobs.clear();
    };
    thread.worker.on('error', (err) => fail(new MappingError('mapping.thread_failed', `mapping thread failed: ${err.message}`, { cause: err })));
    thread.worker.on('exit', (code) => {
      if (!closing) fail(new MappingError('mapping.thread_failed', `mapping thread exited with code ${code}`));
    });
    return thread;
  });

  function post(thread: Thread, message: ToWorker): void {
    thread.worker.postMessage(message);
  }

  function map(index: number, raws: RawPerson[], reference: ReferenceData): Promise<MappedPerson[]> {
    if (broken) return Promise.reject(broken);
    if (closing) return Promise.reject(new MappingError('mapping.threads_closed', 'the mapping threads are closed'));
    let referenceId = references.get(reference);
    if (referenceId === undefined) {
      referenceId = ++lastReference;
      references.set(reference, referenceId);
    }
    if (referenceId !== lastSent.get(index)) {
      for (const thread of threads) post(thread, { type: 'reference', mapping: index, referenceId, reference });
      lastSent.set(index, referenceId);
    }
    const thread = threads.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    if (options.callerShares === true && thread.jobs.size >= 2) {
      try {
        return Promise.resolve(mapRawChunk(mappings[index]!, raws, reference, transport));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    const jobId = ++nextJob;
    return new Promise<MappedPerson[]>((resolve, reject) => {
      thread.jobs.set(jobId, { resolve, reject });
      thread.worker.ref();
      post(thread, { type: 'map', mapping: index, jobId, referenceId, raws });
    });
  }

  return {
    mapperFor: (index) => ({
      threads: threads.length,
      inFlight: inFlightFor(threads.length, options.callerShares === true),
      map: (raws, reference) => map(index, raws, reference),
      close: () => Promise.resolve(),
    }),
    async close() {
      closing = true;
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}
