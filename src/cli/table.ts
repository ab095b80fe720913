/**
 * Tables for people reading a terminal: columns as wide as their widest cell, the widest
 * columns cut (with '…') until the table fits `width` (the terminal's columns), a bold
 * header only on a terminal. Pure: the command passes `io.isTty` and the width.
 */
export interface TableOptions {
  /** Characters available; default 120 when stdout is not a terminal. */
  width?: number;
  /** Colours (ANSI) only when writing to a terminal. */
  colour?: boolean;
  /** Per column: paint a cell (only with colour), e.g. failing states in red. */
  paint?: Record<number, (cell: string) => Paint | undefined>;
}

export type Paint = 'red' | 'green' | 'yellow' | 'dim';

const ANSI: Record<Paint | 'bold', [string, string]> = {
  red: ['\u001b[31m', '\u001b[39m'], green: ['\u001b[32m', '\u001b[39m'], yellow: ['\u001b[33m', '\u001b[39m'],
  dim: ['\u001b[2m', '\u001b[22m'], bold: ['\u001b[1m', '\u001b[22m'],
};
const GAP = 2;
const MIN_COLUMN = 4;

function truncate(cell: string, width: number): string {
  const chars = [...cell];
  return chars.length <= width ? cell : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Column widths that fit `total`: the widest column gives way first, never below a few characters. */
export function fitWidths(natural: number[], total: number): number[] {
  const widths = [...natural];
  const budget = total - GAP * Math.max(0, widths.length - 1);
  let sum = widths.reduce((a, b) => a + b, 0);
  while (sum > budget) {
    let widest = 0;
    for (let i = 1; i < widths.length; i += 1) if ((widths[i] ?? 0) > (widths[widest] ?? 0)) widest = i;
    if ((widths[widest] ?? 0) <= MIN_COLUMN) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
    sum -= 1;
  }
  return widths;
}

export function formatTable(header: string[], rows: string[][], options: TableOptions = {}): string[] {
  const natural = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const widths = fitWidths(natural, options.width ?? 120);
  const paint = (text: string, how: Paint | 'bold' | undefined) => {
    if (!options.colour || !how) return text;
    const [on, off] = ANSI[how];
    return `${on}${text}${off}`;
  };
  const line = (cells: string[], style: (cell: string, i: number) => Paint | 'bold' | undefined) =>
    cells
      .map((c, i) => {
        const w = widths[i] ?? 0;
        const cut = truncate(c, w);
        // Pad outside the colour codes, so the codes never count as width.
        const padded = i === cells.length - 1 ? cut : cut + ' '.repeat(Math.max(0, w - [...cut].length));
        return paint(padded, style(c, i));
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  return [line(header, () => 'bold'), ...rows.map((r) => line(r, (c, i) => options.paint?.[i]?.(c)))];
}
