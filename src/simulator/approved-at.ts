/**
 * Ordering of `approvedAt` values (RFC 3339 date-times) as instants, for the contract's
 * latest-approvedAt rule ("a record whose approvedAt is not later than the one it holds gets
 * the result stale"). Offsets are honoured (`08:00+07:00` equals `01:00Z`) and fractions are
 * compared digit by digit, so two approvals a microsecond apart are not taken as equal, which
 * a Date (milliseconds) would do.
 */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

interface Instant {
  seconds: number;
  fraction: string;
}

function instantOf(text: string): Instant | undefined {
  const m = DATE_TIME.exec(text.toUpperCase());
  if (!m?.[1] || !m[3]) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  return Number.isNaN(ms) ? undefined : { seconds: ms / 1000, fraction: (m[2] ?? '').replace(/0+$/, '') };
}

/** Negative when a is earlier than b, 0 at the same instant, positive when later. Throws on a value that is not a date-time. */
export function compareApprovedAt(a: string, b: string): number {
  const x = instantOf(a);
  const y = instantOf(b);
  if (!x || !y) throw new RangeError(`not an RFC 3339 date-time: ${x ? b : a}`);
  if (x.seconds !== y.seconds) return x.seconds - y.seconds;
  const width = Math.max(x.fraction.length, y.fraction.length);
  const fx = x.fraction.padEnd(width, '0');
  const fy = y.fraction.padEnd(width, '0');
  return fx < fy ? -1 : fx > fy ? 1 : 0;
}

/** True when `text` is a date-time this module can order. */
export function isOrderableDateTime(text: unknown): text is string {
  return typeof text === 'string' && instantOf(text) !== undefined;
}
