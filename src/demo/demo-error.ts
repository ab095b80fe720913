import { CodedError } from '../errors.js';

/**
 * Refusals of the demo-data tools: `demo.schema_missing` (the vendor's tables are absent),
 * `demo.schema_partial` (some vendor tables exist, others do not), `demo.sample_conflict` (the
 * sample would collide with rows already there), `demo.reference_missing` (a code list the
 * generator needs is absent), `demo.options_invalid`, `demo.row_width` (a batch row with the
 * wrong number of values: a bug in the generator).
 */
export type DemoErrorCode =
  | 'demo.schema_missing'
  | 'demo.schema_partial'
  | 'demo.sample_conflict'
  | 'demo.reference_missing'
  | 'demo.options_invalid'
  | 'demo.row_width';

export class DemoError extends CodedError<DemoErrorCode> {}
