import { parentPort, workerData } from 'node:worker_threads';
import { nationalContract } from '../contract/national-contract.js';
import type { RawPerson } from './raw-person.js';
import { mapRawChunk, transportOptions, type MappedPerson, type TransportFlags } from './mapped-person.js';
import { compileMapping, type MappingDocument } from './mapping-compiler.js';
import type { ReferenceData } from './mapping-types.js';
import { MappingError } from './mapping-error.js';

/**
 * A mapping thread (mapping-pool.ts): compiles the same mapping documents, keeps the latest
 * reference data it was sent, and answers each chunk of raw persons with their MappedPerson,
 * in order. A chunk that throws (a row that is not JSON) is answered with the error.
 */
export interface WorkerInit {
  documents: MappingDocument[];
  transport: TransportFlags;
}

export type ToWorker =
  | { type: 'reference'; referenceId: number; reference: ReferenceData }
  | { type: 'map'; jobId: number; referenceId: number; raws: RawPerson[] };

export type FromWorker =
  | { jobId: number; results: MappedPerson[] }
  | { jobId: number; error: string };

const port = parentPort;
if (!port) throw new MappingError('mapping.worker_misuse', 'mapping-worker.ts runs as a worker thread only');
const init = workerData as WorkerInit;
const contract = nationalContract();
const mapping = compileMapping(init.documents, contract);
const options = transportOptions(contract, init.transport);
let current: { id: number; reference: ReferenceData } | undefined;

port.on('message', (message: ToWorker) => {
  if (message.type === 'reference') {
    current = { id: message.referenceId, reference: message.reference };
    return;
  }
  let answer: FromWorker;
  try {
    if (current?.id !== message.referenceId) throw new MappingError('mapping.worker_misuse', `reference data ${message.referenceId} was not sent to this thread`);
    const reference = current.reference;
    answer = { jobId: message.jobId, results: mapRawChunk(mapping, message.raws, reference, options) };
  } catch (err) {
    answer = { jobId: message.jobId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(answer);
});
