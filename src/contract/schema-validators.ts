import { createRequire } from 'node:module';
import type Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type addFormatsModule from 'ajv-formats';
import { childPointer } from './json-pointer.js';
import { lengthKeywords } from './length-keywords.js';
import type { NationalContract } from './national-contract.js';
import { ContractError } from './contract-error.js';

/**
 * The national JSON schemas compiled once per contract (ajv, draft 2020-12, formats on),
 * as the national side applies them ("payload against the schemas (formats date, date-time
 * and uuid included)", contract README). Each check returns every problem (`allErrors`),
 * never throws on bad input.
 */
export interface SchemaProblem {
  /** JSON Pointer into the checked value; for a missing or extra property, the property's own path. */
  path: string;
  message: string;
  /**
   * The schema rule that failed, as `keyword` or `keyword parameter` (`pattern ^[0-9]{12}$`,
   * `format date`, `maxLength 100`, `type string`): the key under which an operator's
   * explanation of the problem is written (ops/refusal-words.ts), never parsed from `message`.
   */
  rule?: string;
}

export type SchemaCheck = (value: unknown) => SchemaProblem[];

export interface SchemaValidators {
  official: SchemaCheck;
  packet: SchemaCheck;
  envelope: SchemaCheck;
  receipt: SchemaCheck;
  /** One item of a packet's `records` (operation, soDinhDanh, approvedAt, data). */
  pushRecord: SchemaCheck;
  /**
   * The packet with each record only required to be an object naming a `soDinhDanh`
   * string: the checks on the packet as a whole (see packet-checks.ts).
   */
  packetShell: SchemaCheck;
  /**
   * Compiles a check now rather than at its first use: for a thread that waits for its first
   * work meanwhile (mapping-worker.ts compiles `official` while its first chunk is read).
   */
  prepare(name: SchemaName): void;
}

export type SchemaName = Exclude<keyof SchemaValidators, 'prepare'>;

// ajv and ajv-formats are loaded when the first check is compiled, not with this module
// (~60 ms of every command's start, most of which never validate a record on their main
// thread: docs/decisions/sync-throughput.md). Both are CommonJS, so a `require` loads them
// synchronously, inside the synchronous check; their classes are the modules' `default`.
const require = createRequire(import.meta.url);
type Ajv2020 = InstanceType<typeof Ajv2020Module.default>;
const newAjv = (options: ConstructorParameters<typeof Ajv2020Module.default>[0]): Ajv2020 =>
  new (require('ajv/dist/2020.js') as typeof Ajv2020Module).default(options);
const addFormats = (ajv: Ajv2020, formats: Parameters<typeof addFormatsModule.default>[1]): void => {
  (require('ajv-formats') as typeof addFormatsModule).default(ajv, formats);
};

/** Contract annotations that carry no validation: declared so strict mode accepts them. */
const ANNOTATION_KEYWORDS = [
  { keyword: 'x-codeList', schemaType: 'string' },
  { keyword: 'x-sensitive', schemaType: 'boolean' },
] as const;

function idOf(schema: Record<string, unknown>): string {
  const id = schema.$id;
  if (typeof id !== 'string') throw new ContractError('contract.schema_invalid', 'national schema without $id');
  return id;
}

/** The failed rule of one ajv error: its keyword, and the one parameter that says which rule of that kind. */
export function ruleOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const param = error.keyword === 'format' ? params.format
    : error.keyword === 'pattern' ? params.pattern
      : error.keyword === 'type' ? params.type
        : params.limit;
  return typeof param === 'string' || typeof param === 'number' ? `${error.keyword} ${param}` : error.keyword;
}

/** One ajv error as a `{path, message, rule}` problem, the property named for a missing or extra one. */
export function toProblem(error: ErrorObject): SchemaProblem {
  const params = error.params as Record<string, unknown>;
  const rule = ruleOf(error);
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    return {
      path: childPointer(error.instancePath, params.missingProperty),
      message: 'required property is missing',
      rule,
    };
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return {
      path: childPointer(error.instancePath, params.additionalProperty),
      message: 'property is not allowed by the schema',
      rule,
    };
  }
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    return {
      path: error.instancePath,
      message: `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
      rule,
    };
  }
  if (error.keyword === 'const') {
    return { path: error.instancePath, message: `must equal ${JSON.stringify(params.allowedValue)}`, rule };
  }
  return { path: error.instancePath, message: error.message ?? `fails ${error.keyword}`, rule };
}

function check(validate: ValidateFunction): SchemaCheck {
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map(toProblem));
}

/** A copy of the packet schema whose records are only checked for what the receipt needs. */
function packetShellSchema(packet: Record<string, unknown>): Record<string, unknown> {
  const properties = packet.properties as Record<string, Record<string, unknown>>;
  return {
    ...packet,
    $id: idOf(packet).replace(/\.schema\.json$/, '.shell.schema.json'),
    properties: {
      ...properties,
      records: {
        ...properties.records,
        items: {
          type: 'object',
          required: ['soDinhDanh'],
          properties: { soDinhDanh: { type: 'string' } },
        },
      },
    },
  };
}

const compiled = new WeakMap<NationalContract, SchemaValidators>();

/**
 * Each check is compiled the first time it is used, not when the validators are made: a
 * process uses one or two of the six (a sync's main thread validates no record itself, its
 * mapping threads no packet), and compiling all six cost ~270 ms of every command's start
 * (docs/decisions/sync-throughput.md). The schemas are the shipped contract's, compiled by
 * the test suite, so a compile error cannot wait for production to show.
 */
export function createSchemaValidators(contract: NationalContract): SchemaValidators {
  const known = compiled.get(contract);
  if (known) return known;
  const { official, packet, envelope, receipt } = contract.schemas;
  let ajv: Ajv2020 | undefined;
  const instance = (): Ajv2020 => {
    if (ajv) return ajv;
    ajv = newAjv({ allErrors: true, strict: true, strictRequired: false, logger: false });
    addFormats(ajv, ['date', 'date-time', 'uuid']);
    for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword({ ...keyword });
    for (const keyword of lengthKeywords()) ajv.removeKeyword(keyword.keyword as string).addKeyword(keyword);
    // packet.schema.json refers to official.schema.json by relative $ref.
    ajv.addSchema(official);
    ajv.addSchema(packet);
    return ajv;
  };
  const compilers = new Map<SchemaName, () => SchemaCheck>();
  const lazy = (name: SchemaName, schema: () => Record<string, unknown>): SchemaCheck => {
    let compiledCheck: SchemaCheck | undefined;
    const compile = (): SchemaCheck => (compiledCheck ??= check(instance().compile(schema())));
    compilers.set(name, compile);
    return (value) => compile()(value);
  };
  const validators: SchemaValidators = {
    official: lazy('official', () => official),
    packet: lazy('packet', () => packet),
    envelope: lazy('envelope', () => envelope),
    receipt: lazy('receipt', () => receipt),
    pushRecord: lazy('pushRecord', () => ({ $ref: `${idOf(packet)}#/properties/records/items` })),
    packetShell: lazy('packetShell', () => packetShellSchema(packet)),
    prepare: (name) => {
      compilers.get(name)?.();
    },
  };
  compiled.set(contract, validators);
  return validators;
}
