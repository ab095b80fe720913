import type { Queryable } from '../db/db.js';
import { DemoError } from './demo-error.js';

/**
 * Rows gathered column by column and written with one statement per table:
 * `INSERT INTO t (a, b) SELECT * FROM unnest($1::int[], $2::text[])`. One statement carries a
 * few thousand people's rows, so the cost is a handful of round trips per chunk instead of one
 * per row, and the statement text stays the same whatever the row count (no parameter limit).
 */
export type ColumnType = 'int' | 'smallint' | 'bigint' | 'text' | 'date' | 'timestamptz' | 'numeric' | 'boolean';

export interface TableSpec {
  table: string;
  columns: readonly (readonly [name: string, type: ColumnType])[];
}

export function unnestInsertSql(spec: TableSpec): string {
  const names = spec.columns.map(([name]) => name).join(', ');
  const arrays = spec.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  return `INSERT INTO ${spec.table} (${names}) SELECT * FROM unnest(${arrays})`;
}

export class ColumnBatch {
  private readonly columns: unknown[][];
  private readonly sql: string;
  private count = 0;

  constructor(readonly spec: TableSpec) {
    this.columns = spec.columns.map(() => []);
    this.sql = unnestInsertSql(spec);
  }

  get size(): number {
    return this.count;
  }

  /** One row, values in the order of `spec.columns`. */
  push(row: readonly unknown[]): void {
    if (row.length !== this.columns.length) {
      throw new DemoError('demo.row_width', `${this.spec.table}: ${row.length} values for ${this.columns.length} columns`);
    }
    for (let i = 0; i < row.length; i++) (this.columns[i] as unknown[]).push(row[i] ?? null);
    this.count++;
  }

  async write(db: Queryable): Promise<number> {
    if (this.count === 0) return 0;
    await db.query(this.sql, this.columns);
    return this.count;
  }
}
