import type { Gap } from './gaps-service.js';

/**
 * The table `mapping gaps` prints: one block per national list, a line per unknown value with
 * its people, example vendor ids and suggestions, then how to add a synonym. Pure.
 */
export function formatGaps(gaps: Gap[]): string[] {
  if (gaps.length === 0) return ['mapping gaps: every vendor value matches the mapping'];
  const people = gaps.reduce((n, g) => n + g.people, 0);
  const lines = [`mapping gaps: ${gaps.length} unknown value(s), carried ${people} time(s)`];
  let list: string | undefined;
  for (const g of gaps) {
    if (g.list !== list) {
      list = g.list;
      lines.push('', g.list === 'don_vi' ? 'units with no agency code (dm_don_vi, nor a successor):' : `${g.list}:`);
    }
    const suggested = g.suggestions.map((s) => `${s.code} ${s.ten} (${s.score.toFixed(2)})`).join('; ');
    lines.push(`  '${g.value}'  ${g.people} people  e.g. ${g.examples.join(', ')}  [${g.source}]`);
    if (suggested !== '') lines.push(`      suggestions: ${suggested}`);
  }
  lines.push('', "add one: csdl-gateway mapping synonym add LIST 'VALUE' CODE (suggestions are never applied on their own)");
  return lines;
}
