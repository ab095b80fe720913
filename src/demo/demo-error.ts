import { GatewayError } from '../errors.js';

/**
 * Refusals of the demo-data tools: `demo.schema_partial` (some vendor tables exist, others do
 * not), `demo.sample_conflict` (the sample would collide with rows already there),
 * `demo.reference_missing` (a code list the generator needs is absent), `demo.options_invalid`,
 * `demo.row_width` (a batch row with the wrong number of values: a bug in the generator).
 */
export class DemoError extends GatewayError {}
