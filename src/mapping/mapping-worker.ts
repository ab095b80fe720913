import { parentPort, workerData } from 'node:worker_threads';
import { nationalContract } from '../contract/national-contract.js';
import { createSchemaValidators } from '../contract/schema-validators.js';
import type { RawPerson } from './raw-person.js';
import { mapRawChunk, transportOptions, type MappedPerson, type TransportFlags } from './mapped-person.js';
import { compileMapping } from './mapping-compiler.js';
import type { MappingDocument } from './mapping-document.js';
import type { ReferenceData } from './mapping-types.js';
import { MappingError } from './mapping-error.js';

/**
 * A mapping thread (mapping-pool.ts): compiles the mappings it serves (one, or one per source
 * of a merged province), keeps the latest reference data it was sent for each, and answers
 * each chunk of raw persons with their MappedPerson, in order, under the chunk's mapping. A
 * chunk that throws (a row that is not JSON) is answered with the error.
 */
export interface WorkerInit {
  /** Each mapping's documents; a message names its mapping by index. */
  mappings: MappingDocument[][];
  transport: TransportFlags;
}

export type ToWorker =
  | { type: 'reference'; mapping: number; referenceId: number; reference: ReferenceData }
  | { type: 'map'; mapping: number; jobId: number; referenceId: number; raws: RawPerson[] };

export type FromWorker =
  | { jobId: number; results: MappedPerson[] }
  | { jobId: number; error: string };

const port = parentPort;
if (!port) throw new MappingError('mapping.worker_misuse', 'mapping-worker.ts runs as a worker thread only');
const init = workerData as WorkerInit;
const contract = nationalContract();
const mappings = init.mappings.map((documents) => compileMapping(documents, contract));
// The record schema's check is compiled now (~0.2 s), while the first chunk is being read, not
// when the first chunk arrives (docs/decisions/sync-throughput.md, fifth stop).
createSchemaValidators(contract).prepare('official');
const options = transportOptions(contract, init.transport);
const current = new Map<number, { id: number; reference: ReferenceData }>();

port.on('message', (message: ToWorker) => {
  if (message.type === 'reference') {
    current.set(message.mapping, { id: message.referenceId, reference: message.reference });
    return;
  }
  let answer: FromWorker;
  try {
    const mapping = mappings[message.mapping];
    const held = current.get(message.mapping);
    if (!mapping || held?.id !== message.referenceId) throw new MappingError('mapping.worker_misuse', `reference data ${message.referenceId} of mapping ${message.mapping} was not sent to this thread`);
    answer = { jobId: message.jobId, results: mapRawChunk(mapping, message.raws, held.reference, options) };
  } catch (err) {
    answer = { jobId: message.jobId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(answer);
});
