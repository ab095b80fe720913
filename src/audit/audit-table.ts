import type { ChainedEntry } from './audit-chain.js';
import type { AuditVerifyReport } from './audit-verify.js';

/**
 * What `csdl-gateway audit` prints for people: a table of entries, one line each, clipped to
 * the terminal's width; and the verdict of `audit verify`.
 */
const COLUMNS: { title: string; cell(e: ChainedEntry): string; max: number }[] = [
  { title: 'SEQ', cell: (e) => String(e.seq), max: 12 },
  { title: 'AT (UTC)', cell: (e) => e.at.toISOString().slice(0, 19).replace('T', ' '), max: 19 },
  { title: 'ACTOR', cell: (e) => `${e.actorKind}:${e.actorName}`, max: 28 },
  { title: 'ACTION', cell: (e) => e.action, max: 26 },
  { title: 'OUTCOME', cell: (e) => (e.code ? `${e.outcome} ${e.code}` : e.outcome), max: 28 },
  { title: 'PEOPLE', cell: (e) => (e.people.length > 2 ? `${e.people.slice(0, 2).join(' ')} +${e.people.length - 2}` : e.people.join(' ')), max: 30 },
  { title: 'FIELDS', cell: (e) => e.fieldGroups.join(','), max: 24 },
  { title: 'PURPOSE', cell: (e) => e.purpose ?? '', max: 60 },
];

const clip = (text: string, width: number): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text);

/** A table with a header; `width` clips each line (a terminal's columns). */
export function entryTable(entries: readonly ChainedEntry[], width?: number): string[] {
  const cells = entries.map((e) => COLUMNS.map((c) => clip(c.cell(e).replace(/\s+/g, ' '), c.max)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ').trimEnd();
  const lines = [line(COLUMNS.map((c) => c.title)), ...cells.map(line)];
  return width === undefined ? lines : lines.map((l) => clip(l, width));
}

export function verifyVerdict(report: AuditVerifyReport): string[] {
  if (report.ok) {
    return [
      `audit log intact: ${report.entries} entries, ${report.checkpoints} signed checkpoints checked`,
      `head: ${report.entries === 0 ? '(empty log)' : report.head}`,
    ];
  }
  const problem = report.problem;
  const where = problem?.seq === undefined ? '' : ` at entry ${problem.seq}`;
  return [`audit log NOT intact (${problem?.kind ?? 'unknown'}${where}): ${problem?.message ?? ''}`];
}
