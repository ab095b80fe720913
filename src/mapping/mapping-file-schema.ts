/**
 * The JSON schema of a mapping (mappings/README.md), checked with ajv when a mapping loads.
 * Every file of a mapping folder is a part of one document; the merged document must match.
 * Rules are objects whose keys come from one vocabulary: an unknown key is an unknown
 * transform, reported at its JSON path. Which keys go together is checked by the compiler.
 */

/** Keys that say what a rule does; a rule has exactly one. */
export const RULE_KINDS = [
  'path', 'const', 'text', 'name', 'date', 'vendorDate', 'phone', 'number', 'integer', 'code',
  'vendorCode', 'agency', 'vendorUnit', 'lookup', 'join', 'split', 'first', 'replace', 'when',
  'object', 'array', 'list',
] as const;

export type RuleKind = (typeof RULE_KINDS)[number];

/** Options each kind accepts besides its own key. */
export const RULE_OPTIONS: Readonly<Record<RuleKind, readonly string[]>> = {
  path: [], const: [], text: [], name: [], phone: [], number: [], integer: [],
  date: ['precision'],
  vendorDate: ['style'],
  code: ['from', 'via', 'ifEmpty'],
  vendorCode: ['from', 'via'],
  agency: ['level'],
  vendorUnit: [],
  lookup: ['table', 'column'],
  join: ['separator'],
  split: ['separator', 'part'],
  first: [],
  replace: ['values'],
  when: ['equals', 'in', 'then', 'else'],
  object: [],
  array: ['item', 'table', 'keepEmpty'],
  list: ['keepEmpty'],
};

const identifier = { type: 'string', pattern: '^[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?$' };
const column = { type: 'string', pattern: '^[a-z_][a-z0-9_]*$' };
const sql = {
  anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: { type: 'string' } }],
};
const ruleRef = { $ref: '#/$defs/rule' };
const rules = { type: 'array', minItems: 1, items: ruleRef };

/** `codes`: one object per national code list, holding `properties` (and a comment). */
function perCodeList<P extends Record<string, unknown>, R extends readonly string[]>(required: R, properties: P) {
  return {
    type: 'object',
    properties: { $comment: { type: 'string' } },
    additionalProperties: { type: 'object', additionalProperties: false, required, properties: { $comment: { type: 'string' }, ...properties } },
  } as const;
}

export const mappingFileSchema = {
  $id: 'urn:csdl-gateway:mapping',
  type: 'object',
  additionalProperties: false,
  required: ['mapping', 'source', 'fields', 'codes', 'reverse'],
  properties: {
    $comment: { type: 'string' },
    mapping: { type: 'string', minLength: 1 },
    source: {
      type: 'object',
      additionalProperties: false,
      required: ['table', 'persons', 'documentSql', 'reference', 'units'],
      properties: {
        $comment: { type: 'string' },
        table: identifier,
        persons: {
          type: 'object', additionalProperties: false, required: ['table', 'id'],
          properties: { table: identifier, id: column, historyKey: column },
        },
        approval: {
          type: 'object',
          additionalProperties: false,
          required: ['table', 'person', 'order', 'status', 'approvedValue', 'at', 'unit', 'approver'],
          properties: {
            table: identifier, person: column, order: column, status: column,
            approvedValue: { type: 'string' }, at: column, unit: column, approver: column,
          },
        },
        documentSql: sql,
        reference: {
          type: 'object',
          additionalProperties: {
            type: 'object', additionalProperties: false, required: ['sql', 'key'],
            properties: { sql, key: column },
          },
        },
        units: {
          type: 'object', additionalProperties: false, required: ['table', 'code', 'successor', 'parent'],
          properties: { table: { type: 'string' }, code: column, successor: column, parent: column },
        },
      },
    },
    fields: { type: 'object', properties: { $comment: { type: 'string' } }, additionalProperties: ruleRef },
    codes: perCodeList(['match'], {
      match: { enum: ['name', 'code'] },
      synonyms: { type: 'object', additionalProperties: { type: 'string' } },
      superseded: { type: 'object', additionalProperties: { type: 'string' } },
      stripPrefixes: { type: 'array', items: { type: 'string', minLength: 1 } },
    }),
    reverse: {
      type: 'object',
      additionalProperties: false,
      required: ['fields'],
      properties: {
        $comment: { type: 'string' },
        fields: { type: 'object', properties: { $comment: { type: 'string' } }, additionalProperties: ruleRef },
      },
    },
  },
  $defs: {
    rule: {
      type: 'object',
      minProperties: 1,
      propertyNames: { enum: [...RULE_KINDS, ...new Set(Object.values(RULE_OPTIONS).flat()), '$comment'] },
      properties: {
        $comment: { type: 'string' },
        path: { type: 'string', pattern: '^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$' },
        const: {},
        text: ruleRef, name: ruleRef, phone: ruleRef, number: ruleRef, integer: ruleRef,
        date: ruleRef, vendorDate: ruleRef, vendorUnit: ruleRef, agency: ruleRef, lookup: ruleRef,
        split: ruleRef, replace: ruleRef, when: ruleRef, array: ruleRef,
        code: { type: 'string' }, vendorCode: { type: 'string' },
        join: rules, first: rules, list: rules,
        object: {
          type: 'object', minProperties: 1, properties: { $comment: { type: 'string' } }, additionalProperties: ruleRef,
        },
        from: ruleRef, then: ruleRef, else: ruleRef, item: ruleRef,
        precision: { enum: ['any', 'day', 'month'] },
        style: { enum: ['dmy', 'my', 'iso'] },
        level: { enum: ['unit', 'root'] },
        part: { enum: ['head', 'tail'] },
        via: {
          type: 'object', additionalProperties: false, required: ['table', 'column'],
          properties: { table: { type: 'string' }, column },
        },
        ifEmpty: { type: 'string' },
        table: { type: 'string' },
        column,
        separator: { type: 'string' },
        values: { type: 'object', additionalProperties: {} },
        equals: {},
        in: { type: 'array' },
        keepEmpty: { type: 'boolean' },
      },
    },
  },
} as const;

/**
 * A province's overlay (MAPPING_OVERLAY_FILE, mappings/README.md "The overlay"): only synonyms,
 * per national code list, added over the shipped mapping. Everything else stays in the
 * shipped mapping, so a new gateway version brings its own rules and keeps the province's
 * spellings.
 */
export const overlayFileSchema = {
  $id: 'urn:csdl-gateway:mapping-overlay',
  type: 'object',
  additionalProperties: false,
  properties: {
    $comment: { type: 'string' },
    codes: perCodeList([], { synonyms: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } } }),
  },
} as const;
