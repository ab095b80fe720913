/**
 * The JSON schema of a mapping (mappings/README.md), checked with ajv when a mapping loads.
 * Every file of a mapping folder is a part of one document; the merged document must match.
 * Rules are objects whose keys come from one vocabulary: an unknown key is an unknown
 * transform, reported at its JSON path. Which keys go together is checked by the compiler.
 * Every object takes a `$comment`: mapping authors explain their choices where they make them.
 */

/** Keys that say what a rule does; a rule has exactly one. */
export const RULE_KINDS = [
  'path', 'const', 'text', 'name', 'date', 'vendorDate', 'phone', 'number', 'integer', 'code',
  'vendorCode', 'agency', 'vendorUnit', 'lookup', 'join', 'split', 'first', 'replace', 'when',
  'object', 'array', 'list', 'strip', 'trim', 'case',
] as const;

export type RuleKind = (typeof RULE_KINDS)[number];

/** Options each kind accepts besides its own key. */
export const RULE_OPTIONS: Readonly<Record<RuleKind, readonly string[]>> = {
  path: [], const: [], text: [], name: [], phone: [], number: [], integer: [],
  date: ['precision', 'precisionFrom'],
  vendorDate: ['style'],
  code: ['from', 'via', 'ifEmpty'],
  vendorCode: ['from', 'via'],
  agency: ['level'],
  vendorUnit: [],
  lookup: ['table', 'column', 'by'],
  join: ['separator'],
  split: ['separator', 'part'],
  first: [],
  replace: ['values'],
  when: ['equals', 'in', 'then', 'else'],
  object: [],
  array: ['item', 'table', 'keepEmpty'],
  list: ['keepEmpty'],
  strip: ['characters', 'keep'],
  trim: [],
  case: ['to'],
};

/**
 * A SQL identifier the engine composes into its statements: lower-case ASCII as written, or
 * double-quoted as SQL writes any other name (`"NhanSu"`, `"Mã đơn vị"`, a `""` inside).
 * Nothing else can reach the SQL text, so a mapping never injects more than a name.
 */
const NAME = '(?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+")';
export const IDENTIFIER_PATTERN = `^${NAME}(?:\\.${NAME})?$`;
export const COLUMN_PATTERN = `^${NAME}$`;
const identifier = { type: 'string', pattern: IDENTIFIER_PATTERN };
const column = { type: 'string', pattern: COLUMN_PATTERN };
const comment = { type: 'string' } as const;
const sql = {
  anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: { type: 'string' } }],
};
/** A SQL condition the engine puts in its WHERE: one expression, never a second statement. */
const condition = { type: 'string', minLength: 1, pattern: '^[^;]*$' };
const ruleRef = { $ref: '#/$defs/rule' };
const rules = { type: 'array', minItems: 1, items: ruleRef };

/** An object of the mapping language: its keys and no other, `$comment` always allowed. */
function shape<P extends Record<string, unknown>, R extends readonly string[]>(required: R, properties: P) {
  return { type: 'object', additionalProperties: false, required, properties: { $comment: comment, ...properties } } as const;
}

/** `codes`: one object per national code list, holding `properties` (and a comment). */
function perCodeList<P extends Record<string, unknown>, R extends readonly string[]>(required: R, properties: P) {
  return {
    type: 'object',
    properties: { $comment: comment },
    additionalProperties: shape(required, properties),
  } as const;
}

/**
 * Where the approving unit of a person's latest approval is found: a column of the approval
 * table (a bare column name is that), a column of the person table, or a SQL lookup given the
 * approval row's columns as `a.*` and the person's as `p.*`. Without it, the person's own unit.
 */
const approvalUnit = {
  anyOf: [
    column,
    shape(['column'], { column }),
    shape(['personColumn'], { personColumn: column }),
    shape(['sql'], { sql: condition }),
  ],
};

export const mappingFileSchema = {
  $id: 'urn:csdl-gateway:mapping',
  type: 'object',
  additionalProperties: false,
  required: ['mapping', 'source', 'fields', 'codes', 'reverse'],
  properties: {
    $comment: comment,
    mapping: { type: 'string', minLength: 1 },
    source: shape(['table', 'persons', 'documentSql', 'reference'], {
      table: identifier,
      persons: shape(['table', 'id'], { table: identifier, id: column, historyKey: column, unit: column, where: condition, cmnd: column }),
      approval: shape(['table', 'person', 'order', 'status', 'approvedValue'], {
        table: identifier, person: column, order: column, status: column,
        approvedValue: { type: 'string' }, at: column, unit: approvalUnit, approver: column,
      }),
      documentSql: sql,
      reference: {
        type: 'object',
        properties: { $comment: comment },
        additionalProperties: shape(['sql', 'key'], { sql, key: column }),
      },
      units: shape(['table', 'code', 'parent'], { table: { type: 'string' }, code: column, successor: column, parent: column }),
    }),
    units: shape(['table', 'id', 'code', 'name', 'parent'], {
      table: identifier, id: column, code: column, name: column, parent: column, successor: column, active: column,
    }),
    staging: shape(['table', 'id', 'person', 'unit', 'record', 'status', 'statuses', 'active'], {
      table: identifier,
      id: column,
      person: column,
      unit: column,
      record: column,
      recordUnit: { type: 'string', minLength: 1 },
      status: column,
      statuses: shape(['waiting', 'takenIn', 'declined'], {
        waiting: { type: 'string', minLength: 1 }, takenIn: { type: 'string', minLength: 1 }, declined: { type: 'string', minLength: 1 },
      }),
      receivedAt: column,
      constants: {
        type: 'object',
        properties: { $comment: comment },
        propertyNames: { pattern: COLUMN_PATTERN },
        additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
      },
      request: shape([], { decisionNo: column, decisionEffective: column, receivingUnit: column }),
      active: shape(['person'], { person: column, where: condition }),
    }),
    fields: { type: 'object', properties: { $comment: comment }, additionalProperties: ruleRef },
    codes: perCodeList(['match'], {
      match: { enum: ['name', 'code'] },
      synonyms: { type: 'object', additionalProperties: { type: 'string' } },
      superseded: { type: 'object', additionalProperties: { type: 'string' } },
      stripPrefixes: { type: 'array', items: { type: 'string', minLength: 1 } },
    }),
    reverse: shape(['fields'], {
      fields: { type: 'object', properties: { $comment: comment }, additionalProperties: ruleRef },
    }),
  },
  $defs: {
    rule: {
      type: 'object',
      minProperties: 1,
      propertyNames: { enum: [...RULE_KINDS, ...new Set(Object.values(RULE_OPTIONS).flat()), '$comment'] },
      properties: {
        $comment: comment,
        path: { type: 'string', pattern: '^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$' },
        const: {},
        text: ruleRef, name: ruleRef, phone: ruleRef, number: ruleRef, integer: ruleRef,
        date: ruleRef, vendorDate: ruleRef, vendorUnit: ruleRef, agency: ruleRef, lookup: ruleRef,
        split: ruleRef, replace: ruleRef, when: ruleRef, array: ruleRef,
        strip: ruleRef, trim: ruleRef, case: ruleRef,
        code: { type: 'string' }, vendorCode: { type: 'string' },
        join: rules, first: rules, list: rules,
        object: {
          type: 'object', minProperties: 1, properties: { $comment: comment }, additionalProperties: ruleRef,
        },
        from: ruleRef, then: ruleRef, else: ruleRef, item: ruleRef,
        precision: { enum: ['any', 'day', 'month', 'year'] },
        precisionFrom: ruleRef,
        style: { enum: ['dmy', 'my', 'iso'] },
        level: { enum: ['unit', 'root'] },
        part: { enum: ['head', 'tail'] },
        via: shape(['table', 'column'], { table: { type: 'string' }, column }),
        ifEmpty: { type: 'string' },
        table: { type: 'string' },
        column,
        separator: { type: 'string' },
        values: { type: 'object', additionalProperties: {} },
        equals: {},
        in: { type: 'array' },
        keepEmpty: { type: 'boolean' },
        characters: { type: 'string', minLength: 1 },
        keep: { enum: ['digits', 'alphanumeric'] },
        by: column,
        to: { enum: ['upper', 'lower', 'title'] },
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
