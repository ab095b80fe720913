import { codeFieldValues, everyCodeField, type CodeFieldLocation } from './code-fields.js';
import { childPointer } from './json-pointer.js';
import type { CodeList, NationalContract } from './national-contract.js';
import { isSoDinhDanh } from './so-dinh-danh.js';

/**
 * The per-record checks of the contract README, "What the national side checks", beyond the
 * JSON schema: code lists, salary table, identity digits, staff kind, leave date, and the
 * push-record rules. Each rule is a pure function over a record that may be malformed: it
 * skips what does not have the shape it needs, because the schema check reports that.
 * Paths are JSON Pointers; `base` is prepended (`/data` inside a push record).
 */
export type RecordProblemCode =
  | 'SCHEMA_INVALID'
  | 'CODE_UNKNOWN'
  | 'SALARY_MISMATCH'
  | 'IDENTITY_MISMATCH'
  | 'RULE_VIOLATION';

export interface RecordProblem {
  code: RecordProblemCode;
  path: string;
  message: string;
  /** For SCHEMA_INVALID, the schema rule that failed (schema-validators.ts, `SchemaProblem.rule`). */
  rule?: string;
}

export const DANG_CONG_TAC = 'DANG_CONG_TAC';

/** The code lists the rules read, looked up once. */
export interface RuleLists {
  codes: NationalContract['codes'];
  ngach: CodeList;
  chucDanhNgheNghiep: CodeList;
  bangLuong: CodeList;
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** The `ma` of a code object such as `{ ma: 'CC', ten: 'Công chức' }`. */
function maOf(v: unknown): string | undefined {
  const ma = obj(v)?.ma;
  return typeof ma === 'string' ? ma : undefined;
}

/** Every code field is in its national list; `ten` is not checked (contract README). */
function checkCodes(data: Obj, locations: readonly CodeFieldLocation[], lists: RuleLists, base = ''): RecordProblem[] {
  const known = (list: string, ma: string): boolean => lists.codes.get(list)?.byCode.has(ma) === true;
  // Paths are only built when there is something to report.
  if (everyCodeField(data, locations, known)) return [];
  const problems: RecordProblem[] = [];
  for (const { path, list, ma } of codeFieldValues(data, locations, base)) {
    if (known(list, ma)) continue;
    problems.push({ code: 'CODE_UNKNOWN', path, message: `code '${ma}' is not in the national list '${list}'` });
  }
  return problems;
}

/** Which rank field a staff kind must use in `luong` (contract README; schema of `luong`). */
const RANK_FIELD: Readonly<Record<string, 'ngach' | 'chucDanhNgheNghiep'>> = {
  CB: 'ngach',
  CC: 'ngach',
  VC: 'chucDanhNgheNghiep',
};
const RANK_LABEL = { ngach: 'ngạch', chucDanhNgheNghiep: 'chức danh nghề nghiệp' } as const;

/** Hệ số are written with two decimals (NĐ 204/2004): compare them as hundredths, not floats. */
function hundredths(n: number): number {
  return Math.round(n * 100);
}

/** bậc and hệ số agree with `bang-luong` for the group of the ngạch or chức danh (SALARY_MISMATCH). */
function checkSalary(data: Obj, lists: RuleLists, base = ''): RecordProblem[] {
  const luong = obj(data.luong);
  if (!luong) return [];
  const preferred = RANK_FIELD[maOf(data.loaiNhanSu) ?? ''];
  const field =
    preferred && luong[preferred] !== undefined
      ? preferred
      : luong.ngach !== undefined
        ? 'ngach'
        : luong.chucDanhNgheNghiep !== undefined
          ? 'chucDanhNgheNghiep'
          : undefined;
  if (!field) return [];
  const ma = maOf(luong[field]);
  const rank = ma === undefined ? undefined : lists[field].byCode.get(ma);
  if (!rank) return []; // unknown code: CODE_UNKNOWN already says so
  const at = childPointer(base, 'luong');
  const what = `${RANK_LABEL[field]} ${rank.ma}`;
  const group = rank.nhomLuong;
  const table = group === undefined ? undefined : lists.bangLuong.byCode.get(group)?.heSo;
  if (!table) {
    return [{ code: 'SALARY_MISMATCH', path: childPointer(at, field), message: `${what} has no salary table in bang-luong (group ${group ?? 'none'})` }];
  }
  const { bac, heSo } = luong;
  if (typeof bac !== 'number' || !Number.isInteger(bac)) return [];
  const expected = table[bac - 1];
  if (expected === undefined) {
    return [{
      code: 'SALARY_MISMATCH',
      path: childPointer(at, 'bac'),
      message: `bậc ${bac} does not exist for ${what} (salary group ${group}): expected a bậc from 1 to ${table.length}`,
    }];
  }
  if (typeof heSo !== 'number' || hundredths(heSo) === hundredths(expected)) return [];
  return [{
    code: 'SALARY_MISMATCH',
    path: childPointer(at, 'heSo'),
    message: `hệ số ${heSo} does not match bậc ${bac} of ${what} (salary group ${group}): expected ${expected.toFixed(2)}`,
  }];
}

/**
 * The 4th digit of soDinhDanh encodes sex and century (0/1 male/female born 1900-1999, 2/3
 * born 2000-2099) and digits 5-6 the birth year's last two digits (IDENTITY_MISMATCH).
 */
function checkIdentity(data: Obj, base = ''): RecordProblem[] {
  const id = data.soDinhDanh;
  const born = typeof data.ngaySinh === 'string' ? /^([0-9]{4})/.exec(data.ngaySinh)?.[1] : undefined;
  const sex = maOf(data.gioiTinh);
  if (typeof id !== 'string' || !isSoDinhDanh(id) || born === undefined) return [];
  const year = Number(born);
  const path = childPointer(base, 'soDinhDanh');
  const problems: RecordProblem[] = [];
  if (sex === '1' || sex === '2') {
    const century = year >= 1900 && year <= 1999 ? 0 : year >= 2000 && year <= 2099 ? 2 : undefined;
    if (century === undefined) {
      problems.push({
        code: 'IDENTITY_MISMATCH',
        path: childPointer(base, 'ngaySinh'),
        message: `birth year ${year} cannot be encoded in a personal number: expected a year from 1900 to 2099`,
      });
    } else {
      const expected = String(century + (sex === '2' ? 1 : 0));
      if (id[3] !== expected) {
        const who = `${sex === '2' ? 'a female' : 'a male'} (gioiTinh ${sex}) born in ${year}`;
        problems.push({ code: 'IDENTITY_MISMATCH', path, message: `4th digit of soDinhDanh is ${id[3]}: expected ${expected} for ${who}` });
      }
    }
  }
  const yy = born.slice(2);
  if (id.slice(4, 6) !== yy) {
    problems.push({ code: 'IDENTITY_MISMATCH', path, message: `digits 5-6 of soDinhDanh are ${id.slice(4, 6)}: expected ${yy} for birth year ${year}` });
  }
  return problems;
}

/** `luong` names the rank its staff kind uses; `hopDong` is present exactly for NLD (RULE_VIOLATION). */
function checkStaffKind(data: Obj, base = ''): RecordProblem[] {
  const kind = maOf(data.loaiNhanSu);
  const problems: RecordProblem[] = [];
  const luong = obj(data.luong);
  const luongAt = childPointer(base, 'luong');
  const rankField = RANK_FIELD[kind ?? ''];
  if (luong && rankField) {
    const other = rankField === 'ngach' ? 'chucDanhNgheNghiep' : 'ngach';
    if (luong[rankField] === undefined) {
      problems.push({ code: 'RULE_VIOLATION', path: childPointer(luongAt, rankField), message: `luong must have ${rankField} for loaiNhanSu ${kind}` });
    }
    if (luong[other] !== undefined) {
      problems.push({ code: 'RULE_VIOLATION', path: childPointer(luongAt, other), message: `luong must not have ${other} for loaiNhanSu ${kind}: expected ${rankField} only` });
    }
  } else if (luong) {
    // Other kinds (NLD): the schema's description still asks for exactly one rank code.
    const count = (luong.ngach !== undefined ? 1 : 0) + (luong.chucDanhNgheNghiep !== undefined ? 1 : 0);
    if (count !== 1) {
      problems.push({ code: 'RULE_VIOLATION', path: luongAt, message: `luong must have exactly one of ngach or chucDanhNgheNghiep, found ${count}` });
    }
  }
  const hopDongAt = childPointer(base, 'hopDong');
  if (kind === 'NLD' && data.hopDong === undefined) {
    problems.push({ code: 'RULE_VIOLATION', path: hopDongAt, message: 'hopDong is required for loaiNhanSu NLD' });
  } else if (kind !== undefined && kind !== 'NLD' && data.hopDong !== undefined) {
    problems.push({ code: 'RULE_VIOLATION', path: hopDongAt, message: `hopDong must be absent for loaiNhanSu ${kind}: expected only for NLD` });
  }
  return problems;
}

/** `ngayNghi` is present when `tinhTrang` is not DANG_CONG_TAC (RULE_VIOLATION). */
function checkLeave(data: Obj, base = ''): RecordProblem[] {
  const status = maOf(data.tinhTrang);
  if (status === undefined || status === DANG_CONG_TAC || data.ngayNghi !== undefined) return [];
  return [{ code: 'RULE_VIOLATION', path: childPointer(base, 'ngayNghi'), message: `ngayNghi is required when tinhTrang is ${status} (not ${DANG_CONG_TAC})` }];
}

/**
 * A push record's soDinhDanh equals data.soDinhDanh (IDENTITY_MISMATCH: the contract gives
 * this rule no code of its own, and it is a disagreement about who the record is), and an
 * `archive` record has a tinhTrang other than DANG_CONG_TAC (RULE_VIOLATION).
 */
export function checkPushRecordRules(rec: Obj): RecordProblem[] {
  const problems: RecordProblem[] = [];
  const data = obj(rec.data);
  const inner = data?.soDinhDanh;
  if (typeof rec.soDinhDanh === 'string' && typeof inner === 'string' && rec.soDinhDanh !== inner) {
    problems.push({ code: 'IDENTITY_MISMATCH', path: '/soDinhDanh', message: `soDinhDanh ${rec.soDinhDanh} differs from data.soDinhDanh: expected ${inner}` });
  }
  const status = maOf(data?.tinhTrang);
  if (rec.operation === 'archive' && status === DANG_CONG_TAC) {
    problems.push({
      code: 'RULE_VIOLATION',
      path: '/data/tinhTrang/ma',
      message: `an archive record must have a tinhTrang other than ${DANG_CONG_TAC} (retired, resigned, transferred out or deceased)`,
    });
  }
  return problems;
}

/** All rules on an official's data, in the order the contract lists them. */
export function checkNationalRules(data: Obj, locations: readonly CodeFieldLocation[], lists: RuleLists, base = ''): RecordProblem[] {
  return [
    ...checkCodes(data, locations, lists, base),
    ...checkSalary(data, lists, base),
    ...checkIdentity(data, base),
    ...checkStaffKind(data, base),
    ...checkLeave(data, base),
  ];
}
