import type { Db, Queryable } from '../db/db.js';
import { describeError, isGatewayError } from '../errors.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import { mapRawChunk } from '../mapping/mapped-person.js';
import { parentCycle, readProvincialUnits } from '../share/provincial-units.js';
import { personsFrom } from './person-queries.js';
import { readRawPersonChunks, readReference } from './person-reader.js';

/**
 * `mapping check --db`: the mapping against a live provincial database, before anything is
 * read for real or written. Every table it names exists, with every column it names, of a
 * usable type; the person filter, documentSql and the reference SQL run; the unit tree has
 * no cycle; and `sample` people are read and mapped (pre-validated). Everything runs in one
 * READ ONLY transaction: the check writes nothing. One problem per line, with the JSON
 * pointer of the key at fault (the command adds its file).
 */
export interface CheckProblem {
  /** JSON pointer into the mapping: '/staging/record'. */
  pointer: string;
  message: string;
}

export interface SampleOutcome {
  read: number;
  valid: number;
  /** Invalid people by problem code and national path: what `mapping gaps` and the rules should look at. */
  invalid: Map<string, number>;
}

/** Type families a column may have, by PostgreSQL type name. */
const JSONISH = ['json', 'jsonb', 'text', 'character varying'];
const BOOLEAN = ['boolean'];
const TIME = ['timestamp with time zone', 'timestamp without time zone', 'date', 'text', 'character varying'];

interface Use {
  pointer: string;
  column: string;
  types?: string[];
}

interface TableUse {
  pointer: string;
  table: string;
  columns: Use[];
}

/** Every table the mapping names, with the columns it names in each and the types they must have. */
function tableUses(mapping: CompiledMapping): TableUse[] {
  const { source, units, staging } = mapping;
  const uses: TableUse[] = [{
    pointer: '/source/persons/table', table: source.persons.table,
    columns: [
      { pointer: '/source/persons/id', column: source.persons.id },
      ...(source.persons.unit ? [{ pointer: '/source/persons/unit', column: source.persons.unit }] : []),
      ...(staging ? [{ pointer: '/staging/active/person', column: staging.active.person }] : []),
    ],
  }];
  const a = source.approval;
  if (a) {
    uses.push({
      pointer: '/source/approval/table', table: a.table,
      columns: [
        { pointer: '/source/approval/person', column: a.person },
        { pointer: '/source/approval/order', column: a.order },
        { pointer: '/source/approval/status', column: a.status },
        ...(a.at ? [{ pointer: '/source/approval/at', column: a.at, types: TIME }] : []),
        ...(a.approver ? [{ pointer: '/source/approval/approver', column: a.approver }] : []),
        ...(a.unit && 'column' in a.unit ? [{ pointer: '/source/approval/unit', column: a.unit.column }] : []),
      ],
    });
    if (a.unit && 'personColumn' in a.unit) (uses[0] as TableUse).columns.push({ pointer: '/source/approval/unit/personColumn', column: a.unit.personColumn });
  }
  if (units) {
    uses.push({
      pointer: '/units/table', table: units.table,
      columns: [
        { pointer: '/units/id', column: units.id }, { pointer: '/units/code', column: units.code },
        { pointer: '/units/name', column: units.name }, { pointer: '/units/parent', column: units.parent },
        ...(units.successor ? [{ pointer: '/units/successor', column: units.successor }] : []),
        ...(units.active ? [{ pointer: '/units/active', column: units.active, types: BOOLEAN }] : []),
      ],
    });
  }
  if (staging) {
    uses.push({
      pointer: '/staging/table', table: staging.table,
      columns: [
        { pointer: '/staging/id', column: staging.id }, { pointer: '/staging/person', column: staging.person },
        { pointer: '/staging/unit', column: staging.unit }, { pointer: '/staging/record', column: staging.record, types: JSONISH },
        { pointer: '/staging/status', column: staging.status },
        ...(staging.receivedAt ? [{ pointer: '/staging/receivedAt', column: staging.receivedAt, types: TIME }] : []),
        ...Object.keys(staging.constants ?? {}).filter((c) => c !== '$comment').map((c) => ({ pointer: `/staging/constants/${c}`, column: c })),
        ...Object.entries(staging.request ?? {}).filter(([k]) => k !== '$comment').map(([k, c]) => ({ pointer: `/staging/request/${k}`, column: String(c) })),
      ],
    });
  }
  return uses;
}

function unquoted(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name;
}

/** The table's columns and their type names, or undefined when there is no such table. */
async function columnsOf(q: Queryable, table: string): Promise<Map<string, string> | undefined> {
  const found = await q.query<{ oid: string | null }>('SELECT to_regclass($1)::oid::text AS oid', [table]);
  const oid = found.rows[0]?.oid;
  if (!oid) return undefined;
  const res = await q.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, NULL) AS type FROM pg_attribute
      WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped`,
    [oid],
  );
  return new Map(res.rows.map((r) => [r.name, r.type]));
}

/** A statement that must run: its error as a problem at `pointer`. Run inside a savepoint so the check goes on. */
async function runs(q: Queryable, pointer: string, what: string, sql: string, problems: CheckProblem[]): Promise<boolean> {
  await q.query('SAVEPOINT mapping_check');
  try {
    await q.query(sql);
    await q.query('RELEASE SAVEPOINT mapping_check');
    return true;
  } catch (err) {
    await q.query('ROLLBACK TO SAVEPOINT mapping_check');
    problems.push({ pointer, message: `${what} does not run: ${describeError(err)}` });
    return false;
  }
}

export async function checkAgainstDatabase(db: Db, mapping: CompiledMapping, sample: number): Promise<{ problems: CheckProblem[]; sample?: SampleOutcome }> {
  const problems: CheckProblem[] = [];
  let outcome: SampleOutcome | undefined;
  await db.transaction(async (tx) => {
    let tablesOk = true;
    for (const use of tableUses(mapping)) {
      const columns = await columnsOf(tx, use.table);
      if (!columns) {
        problems.push({ pointer: use.pointer, message: `no table ${use.table} in the database` });
        tablesOk = false;
        continue;
      }
      for (const c of use.columns) {
        const type = columns.get(unquoted(c.column));
        if (type === undefined) {
          problems.push({ pointer: c.pointer, message: `no column ${c.column} in ${use.table}` });
          tablesOk = false;
        } else if (c.types && !c.types.some((t) => type.startsWith(t))) {
          problems.push({ pointer: c.pointer, message: `column ${use.table}.${c.column} is ${type}; it must be one of ${c.types.join(', ')}` });
          tablesOk = false;
        }
      }
    }
    const { source, staging } = mapping;
    if (source.persons.where !== undefined) {
      tablesOk = (await runs(tx, '/source/persons/where', 'the person filter', `SELECT 1 FROM ${personsFrom(source)} LIMIT 0`, problems)) && tablesOk;
    }
    if (staging?.active.where !== undefined) {
      tablesOk = (await runs(tx, '/staging/active/where', 'the already-active condition', `SELECT 1 FROM ${personsFrom(source)} WHERE (${staging.active.where}) LIMIT 0`, problems)) && tablesOk;
    }
    if (source.approval?.unit && 'sql' in source.approval.unit) {
      tablesOk = (await runs(tx, '/source/approval/unit/sql', 'the approving unit lookup',
        `SELECT (${source.approval.unit.sql}) FROM ${personsFrom(source)} JOIN ${source.approval.table} x ON x.${source.approval.person} = p.${source.persons.id} LIMIT 0`, problems)) && tablesOk;
    }
    for (const [name, r] of Object.entries(source.reference)) {
      tablesOk = (await runs(tx, `/source/reference/${name}/sql`, `reference table '${name}'`, `SELECT * FROM (${r.sql}) r LIMIT 0`, problems)) && tablesOk;
    }
    tablesOk = (await runs(tx, '/source/documentSql', 'documentSql',
      `WITH chosen(person_id) AS (SELECT ${source.persons.id} FROM ${source.persons.table} LIMIT 0) SELECT * FROM (${source.documentSql}) d LIMIT 0`, problems)) && tablesOk;
    if (mapping.units && tablesOk) {
      try {
        const units = await readProvincialUnits(tx, mapping.units);
        if (parentCycle(units)) problems.push({ pointer: '/units/parent', message: 'the unit tree loops' });
      } catch (err) {
        problems.push({ pointer: '/units/parent', message: describeError(err) });
      }
    }
    if (sample > 0 && tablesOk) outcome = await mapSample(tx, mapping, sample, problems);
  }, { isolation: 'repeatable read', readOnly: true });
  return outcome ? { problems, sample: outcome } : { problems };
}

/** The first `sample` people the mapping reads, mapped and pre-validated. */
async function mapSample(tx: Queryable, mapping: CompiledMapping, sample: number, problems: CheckProblem[]): Promise<SampleOutcome> {
  const outcome: SampleOutcome = { read: 0, valid: 0, invalid: new Map() };
  try {
    const reference = await readReference(tx, mapping);
    for await (const raws of readRawPersonChunks(tx, mapping, { all: true }, Math.min(sample, 1000))) {
      const taken = raws.slice(0, sample - outcome.read);
      for (const person of mapRawChunk(mapping, taken, reference, {})) {
        outcome.read += 1;
        if (person.ok) outcome.valid += 1;
        else for (const e of person.errors) outcome.invalid.set(`${e.code} ${e.path}`, (outcome.invalid.get(`${e.code} ${e.path}`) ?? 0) + 1);
      }
      if (outcome.read >= sample) break;
    }
  } catch (err) {
    problems.push({ pointer: isGatewayError(err) && err.code === 'source.person_missing' ? '/source/documentSql' : '/source', message: describeError(err) });
  }
  return outcome;
}
