import { AGENCY_CODE_PATTERN } from '../contract/national-contract.js';
import { FIELD_GROUPS, isFieldGroup, type FieldGroup } from './field-filter.js';
import { STATISTICS_DIMENSIONS, type StatisticsDimension } from './shared-record-store.js';
import { ShareError, type ShareErrorCode } from './share-error.js';
import { isSoDinhDanh } from '../contract/so-dinh-danh.js';

/**
 * The sharing routes' inputs, checked before anything is read: each bad one is a 400 with a
 * code that names it. Pure.
 */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

// A purpose is a code agreed in the grant (e.g. `thue.quyet-toan`), not free text: it is
// compared, logged and shown to the person in their access report.
const PURPOSE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const STATUS = /^[A-Z0-9_]{1,40}$/;

function bad(code: ShareErrorCode, path: string, message: string): ShareError {
  return new ShareError(code, message, { status: 400, details: [{ path, message }] });
}

export function parsePurpose(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw bad('share.purpose_missing', 'X-Purpose', 'every request must say its purpose in X-Purpose');
  const purpose = header.trim();
  if (!PURPOSE.test(purpose)) throw bad('share.parameter_invalid', 'X-Purpose', 'X-Purpose must be a purpose code: letters, digits and . _ : - (at most 100)');
  return purpose;
}

export function parseSoDinhDanh(v: string): string {
  if (!isSoDinhDanh(v)) throw bad('share.so_dinh_danh_invalid', 'soDinhDanh', 'a số định danh cá nhân is 12 digits');
  return v;
}

export function parseAgencyCode(v: string, path = 'agencyCode'): string {
  if (!AGENCY_CODE_PATTERN.test(v)) throw bad('share.agency_code_invalid', path, 'an agency code is DDD.DD.DD.Xnn (QĐ 20/2020/QĐ-TTg)');
  return v;
}

/** `?fields=basic,salary`: undefined when absent (whatever the grant gives). */
export function parseFields(v: unknown): FieldGroup[] | undefined {
  if (v === undefined) return undefined;
  const list = typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const unknown = list.filter((f) => !isFieldGroup(f));
  if (typeof v !== 'string' || list.length === 0 || unknown.length > 0) {
    throw bad('share.parameter_invalid', 'fields', `fields is a comma-separated list of ${FIELD_GROUPS.join(', ')}`);
  }
  return [...new Set(list)] as FieldGroup[];
}

function positiveInt(v: unknown, path: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && /^[0-9]{1,9}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1) throw bad('share.parameter_invalid', path, `${path} must be a whole number >= 1`);
  return n;
}

export interface UnitQuery {
  status?: string;
  page: number;
  pageSize: number;
  includeSubunits: boolean;
}

export function parseUnitQuery(q: Record<string, unknown>): UnitQuery {
  const page = positiveInt(q.page, 'page', 1);
  const pageSize = positiveInt(q.pageSize, 'pageSize', DEFAULT_PAGE_SIZE);
  if (pageSize > MAX_PAGE_SIZE) throw bad('share.page_size_too_large', 'pageSize', `pageSize is at most ${MAX_PAGE_SIZE}`);
  const sub = q.includeSubunits;
  if (sub !== undefined && sub !== 'true' && sub !== 'false') throw bad('share.parameter_invalid', 'includeSubunits', 'includeSubunits is true or false');
  const status = q.status;
  if (status !== undefined && (typeof status !== 'string' || !STATUS.test(status))) {
    throw bad('share.parameter_invalid', 'status', 'status is a tinhTrang code (e.g. DANG_CONG_TAC)');
  }
  return { page, pageSize, includeSubunits: sub === 'true', ...(status === undefined ? {} : { status }) };
}

export function parseGroupBy(v: unknown): StatisticsDimension {
  if (typeof v !== 'string' || !Object.hasOwn(STATISTICS_DIMENSIONS, v)) {
    throw bad('share.parameter_invalid', 'groupBy', `groupBy is one of ${Object.keys(STATISTICS_DIMENSIONS).join(', ')}`);
  }
  return v as StatisticsDimension;
}
