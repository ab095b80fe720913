import type { ProbeReport } from './sync-probe.js';
import type { TimingLog } from './timed-db.js';

/**
 * Turns the probe's timings into the bench's breakdown: for each step of the sync, its wall
 * time, the time awaited on each edge (databases, signer, NDXP), and what is left, which is
 * the gateway's own work between those calls (mapping, record versions, grouping, encoding).
 */
const s = (ms: number) => `${(ms / 1000).toFixed(2).padStart(7)} s`;

export function phaseLines(report: ProbeReport): string[] {
  const lines: string[] = [];
  for (const phase of report.phases) {
    const calls = report.calls.filter((c) => c.phase === phase.phase && c.label !== 'source.transaction');
    const awaited = calls.reduce((sum, c) => sum + c.timing.ms, 0);
    lines.push(`${phase.phase.padEnd(8)} ${s(phase.ms)} ${pct(phase.ms, report.runMs)} of the run`);
    for (const c of calls.sort((a, b) => b.timing.ms - a.timing.ms)) {
      const rows = c.timing.rows > 0 ? `, ${c.timing.rows} rows` : '';
      lines.push(`  ${c.label.padEnd(38)} ${s(c.timing.ms)}  (${c.timing.count} calls${rows})`);
    }
    if (calls.length > 0) lines.push(`  ${'(gateway work between the calls)'.padEnd(38)} ${s(Math.max(0, phase.ms - awaited))}`);
  }
  lines.push(`${'run'.padEnd(8)} ${s(report.runMs)}`);
  return lines;
}

export function ledgerLines(log: TimingLog): string[] {
  return [...log.statements.entries()]
    .map(([key, t]) => ({ label: key.split('\t')[1] ?? key, t }))
    .sort((a, b) => b.t.ms - a.t.ms)
    .map(({ label, t }) => `  ${label.padEnd(38)} ${s(t.ms)}  (${t.count} calls)`);
}

function pct(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1).padStart(5)}%`;
}
