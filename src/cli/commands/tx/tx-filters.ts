import { UsageError } from '../../run-cli.js';
import type { PacketFilter, RecordFilter } from '../../../ops/ops-types.js';
import { isSoDinhDanh } from '../../../contract/so-dinh-danh.js';

/** The listing options `tx packets` and `tx records` share, as the API's query parameters. */
export const LISTING_OPTIONS = {
  state: { type: 'string' },
  code: { type: 'string' },
  unit: { type: 'string' },
  person: { type: 'string' },
  source: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  page: { type: 'string' },
  'page-size': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const LISTING_USAGE = '[--state S] [--code C] [--unit U] [--person SO] [--source NAME] [--from T] [--to T] [--page N] [--page-size N] [--json]';

type Values = Partial<Record<Exclude<keyof typeof LISTING_OPTIONS, 'json'>, string>>;

function whole(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got '${value}'`);
  return n;
}

function time(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) throw new UsageError(`--${name} must be a date or time (2026-11-30 or 2026-11-30T08:00:00Z), got '${value}'`);
  return t;
}

export function listingFilter(values: Values, states: readonly string[]): RecordFilter & PacketFilter {
  if (values.state !== undefined && !states.includes(values.state)) throw new UsageError(`--state must be one of ${states.join(', ')}`);
  if (values.source !== undefined && !/^[a-z0-9-]{1,32}$/.test(values.source)) throw new UsageError('--source takes a source name ([a-z0-9-]{1,32}) from the sources file (tên nguồn)');
  if (values.person !== undefined && !isSoDinhDanh(values.person)) throw new UsageError('--person takes a số định danh (12 digits)');
  const from = time(values.from, 'from');
  const to = time(values.to, 'to');
  return {
    page: whole(values.page, 'page', 1, 1_000_000),
    pageSize: whole(values['page-size'], 'page-size', 100, 500),
    ...(values.state !== undefined ? { state: values.state } : {}),
    ...(values.code !== undefined ? { code: values.code } : {}),
    ...(values.unit !== undefined ? { unit: values.unit } : {}),
    ...(values.person !== undefined ? { soDinhDanh: values.person } : {}),
    ...(values.source !== undefined ? { source: values.source } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}
