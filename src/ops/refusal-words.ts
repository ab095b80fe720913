/**
 * Why a person was refused, in words an HR clerk can act on: one table, keyed by what failed
 * (the national validator's schema keyword and its parameter, a national rule code, or the
 * mapping's own code), giving the rule in words and what to change, in Vietnamese and English.
 * `tx person` and `/api/ops/people/.../explain` read it; nothing else writes such texts.
 * Pure: no I/O.
 *
 * Keys, most specific first (`keysOf`):
 *   `SCHEMA_INVALID pattern ^[0-9]{12}$`   a schema keyword with the parameter that names the rule
 *   `SCHEMA_INVALID pattern`               the keyword alone
 *   `SCHEMA_INVALID`, `CODE_UNKNOWN`, `mapping.code_unknown`   the problem's code
 * `{column}` in a text is replaced by the vendor column the value came from, `{limit}` by the
 * rule's parameter.
 */
export interface Words {
  vi: string;
  en: string;
}

export interface RuleWords {
  rule: Words;
  fix: Words;
}

/** A stored problem as far as explaining it goes. */
export interface ExplainableProblem {
  code: string;
  /** `keyword` or `keyword parameter` for SCHEMA_INVALID (contract/schema-validators.ts). */
  rule?: string;
}

const IN_SOFTWARE = { vi: 'trong phần mềm quản lý cán bộ', en: 'in the HR software' };
const fixColumn = (vi: string, en: string): Words => ({
  vi: `${vi} ở cột {column} ${IN_SOFTWARE.vi}, rồi duyệt lại hồ sơ`,
  en: `${en} in {column} ${IN_SOFTWARE.en}, then approve the record again`,
});
const MAPPING_FIX: Words = {
  vi: 'Bổ sung ánh xạ: thêm từ đồng nghĩa (csdl-gateway mapping synonym add) hoặc sửa giá trị ở cột {column}; lần đồng bộ sau sẽ gửi lại',
  en: 'Extend the mapping: add a synonym (csdl-gateway mapping synonym add) or correct the value in {column}; the next sync sends the person again',
};

const DATE_PARTIAL: RuleWords = {
  rule: { vi: 'Ngày viết dạng yyyy, yyyy-mm hoặc yyyy-mm-dd', en: 'a date written yyyy, yyyy-mm or yyyy-mm-dd' },
  fix: fixColumn('Nhập ngày đúng (ít nhất năm)', 'Enter a real date (at least the year)'),
};

export const REFUSAL_WORDS: Readonly<Record<string, RuleWords>> = {
  // The national schema (official.schema.json): keyword, and the parameter naming the rule.
  'SCHEMA_INVALID pattern ^[0-9]{12}$': {
    rule: { vi: 'Số định danh cá nhân (CCCD) gồm đúng 12 chữ số; CMND 9 số cũ không được nhận', en: 'a personal identification number (CCCD) of exactly 12 digits; an old 9-digit CMND is not accepted' },
    fix: fixColumn('Nhập số CCCD 12 chữ số thay cho CMND cũ', 'Enter the 12-digit CCCD instead of the old CMND'),
  },
  'SCHEMA_INVALID pattern ^0[0-9]{9}$': {
    rule: { vi: 'Số điện thoại gồm 10 chữ số, bắt đầu bằng 0', en: 'a phone number of 10 digits starting with 0' },
    fix: fixColumn('Nhập số điện thoại 10 chữ số', 'Enter a 10-digit phone number'),
  },
  'SCHEMA_INVALID pattern ^[0-9]{10}$': {
    rule: { vi: 'Số sổ bảo hiểm xã hội gồm đúng 10 chữ số', en: 'a social insurance number of exactly 10 digits' },
    fix: fixColumn('Nhập số sổ BHXH 10 chữ số', 'Enter the 10-digit social insurance number'),
  },
  'SCHEMA_INVALID pattern ^[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-K][0-9]{2}$': {
    rule: { vi: 'Mã định danh cơ quan theo QĐ 20/2020 (dạng 000.00.00.H62)', en: 'an agency code as QĐ 20/2020 writes it (like 000.00.00.H62)' },
    fix: fixColumn('Gán mã định danh điện tử cho đơn vị', 'Give the unit its electronic agency code'),
  },
  'SCHEMA_INVALID pattern ^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$': DATE_PARTIAL,
  'SCHEMA_INVALID pattern ^[0-9]{4}(-(0[1-9]|1[0-2]))?$': {
    rule: { vi: 'Tháng hoặc năm viết dạng yyyy hoặc yyyy-mm', en: 'a month or year written yyyy or yyyy-mm' },
    fix: fixColumn('Nhập tháng/năm đúng', 'Enter a real month and year'),
  },
  'SCHEMA_INVALID pattern ^(9|10|12)/(9|10|12)$': {
    rule: { vi: 'Trình độ phổ thông dạng lớp/hệ: 9/9, 10/10, 12/12...', en: 'general schooling written grade/system: 9/9, 10/10, 12/12...' },
    fix: fixColumn('Nhập trình độ phổ thông đúng dạng', 'Enter the schooling level in that form'),
  },
  'SCHEMA_INVALID pattern': {
    rule: { vi: 'Giá trị phải đúng khuôn dạng quy định của CSDL quốc gia', en: 'the value must have the form the national database prescribes' },
    fix: fixColumn('Sửa giá trị cho đúng khuôn dạng', 'Correct the value to that form'),
  },
  'SCHEMA_INVALID format date': {
    rule: { vi: 'Một ngày có thật, dạng yyyy-mm-dd', en: 'a real calendar date, yyyy-mm-dd' },
    fix: fixColumn('Nhập đủ ngày, tháng, năm', 'Enter the day, month and year'),
  },
  'SCHEMA_INVALID format': {
    rule: { vi: 'Giá trị phải đúng định dạng quy định', en: 'the value must have the prescribed format' },
    fix: fixColumn('Sửa giá trị cho đúng định dạng', 'Correct the value to that format'),
  },
  'SCHEMA_INVALID required': {
    rule: { vi: 'Trường bắt buộc: hồ sơ gửi đi phải có giá trị này', en: 'a required field: the record must carry this value' },
    fix: fixColumn('Nhập giá trị còn thiếu', 'Fill in the missing value'),
  },
  'SCHEMA_INVALID additionalProperties': {
    rule: { vi: 'Trường này không có trong mẫu hồ sơ quốc gia', en: 'this field is not part of the national record' },
    fix: { vi: 'Sửa ánh xạ (mappings/): bỏ trường này', en: 'Correct the mapping (mappings/): leave this field out' },
  },
  'SCHEMA_INVALID type': {
    rule: { vi: 'Giá trị phải có kiểu {limit}', en: 'the value must be of type {limit}' },
    fix: fixColumn('Sửa giá trị', 'Correct the value'),
  },
  'SCHEMA_INVALID enum': {
    rule: { vi: 'Giá trị phải là một trong các giá trị cho phép', en: 'the value must be one of the allowed values' },
    fix: fixColumn('Chọn một giá trị cho phép', 'Choose an allowed value'),
  },
  'SCHEMA_INVALID const': {
    rule: { vi: 'Giá trị phải đúng giá trị quy định', en: 'the value must be the prescribed one' },
    fix: fixColumn('Sửa giá trị', 'Correct the value'),
  },
  'SCHEMA_INVALID maxLength': {
    rule: { vi: 'Không quá {limit} ký tự', en: 'at most {limit} characters' },
    fix: fixColumn('Rút gọn nội dung', 'Shorten the text'),
  },
  'SCHEMA_INVALID minLength': {
    rule: { vi: 'Ít nhất {limit} ký tự', en: 'at least {limit} characters' },
    fix: fixColumn('Nhập đủ nội dung', 'Enter the whole text'),
  },
  'SCHEMA_INVALID minimum': {
    rule: { vi: 'Không nhỏ hơn {limit}', en: 'not less than {limit}' },
    fix: fixColumn('Sửa con số', 'Correct the number'),
  },
  'SCHEMA_INVALID maximum': {
    rule: { vi: 'Không lớn hơn {limit}', en: 'not more than {limit}' },
    fix: fixColumn('Sửa con số', 'Correct the number'),
  },
  'SCHEMA_INVALID minItems': {
    rule: { vi: 'Ít nhất {limit} dòng', en: 'at least {limit} rows' },
    fix: fixColumn('Bổ sung các dòng còn thiếu', 'Add the missing rows'),
  },
  SCHEMA_INVALID: {
    rule: { vi: 'Không đúng mẫu hồ sơ quốc gia', en: 'does not fit the national record schema' },
    fix: fixColumn('Sửa giá trị', 'Correct the value'),
  },
  // The national rules beyond the schema (contract README, "What the national side checks").
  CODE_UNKNOWN: {
    rule: { vi: 'Mã phải có trong danh mục dùng chung quốc gia', en: 'the code must be in the national code list' },
    fix: MAPPING_FIX,
  },
  SALARY_MISMATCH: {
    rule: { vi: 'Bậc và hệ số lương phải khớp bảng lương của ngạch/chức danh (NĐ 204/2004)', en: 'step and coefficient must match the salary table of the rank (NĐ 204/2004)' },
    fix: fixColumn('Sửa bậc hoặc hệ số lương', 'Correct the salary step or coefficient'),
  },
  IDENTITY_MISMATCH: {
    rule: { vi: 'Chữ số thứ 4 (giới tính, thế kỷ) và 5-6 (năm sinh) của số định danh phải khớp giới tính và ngày sinh', en: "the 4th digit (sex, century) and digits 5-6 (birth year) of the số định danh must match sex and date of birth" },
    fix: fixColumn('Kiểm tra lại số CCCD, giới tính và ngày sinh theo thẻ CCCD', 'Check the CCCD number, sex and date of birth against the card'),
  },
  RULE_VIOLATION: {
    rule: { vi: 'Hồ sơ vi phạm quy tắc nghiệp vụ quốc gia (loại cán bộ, lương, hợp đồng, ngày nghỉ)', en: 'the record breaks a national business rule (staff kind, salary, contract, leave date)' },
    fix: fixColumn('Sửa hồ sơ theo quy tắc nêu trong thông báo', 'Correct the record as the message says'),
  },
  DUPLICATE_IDENTITY: {
    rule: { vi: 'Số định danh này đã thuộc một người khác ở CSDL quốc gia', en: 'this số định danh already belongs to another person in the national database' },
    fix: { vi: 'Đối chiếu với thẻ CCCD; khi đã xử lý ngoài hệ thống, ghi nhận bằng tx settle', en: 'Check against the CCCD card; once handled outside the gateway, record it with tx settle' },
  },
  // The mapping's own refusals (src/mapping): the vendor value could not be turned into a national one.
  'mapping.code_unknown': {
    rule: { vi: 'Giá trị của nhà cung cấp phải khớp một mã hoặc tên trong danh mục quốc gia, hoặc một từ đồng nghĩa', en: "the vendor's value must match a code or name of the national list, or a synonym" },
    fix: MAPPING_FIX,
  },
  'mapping.reference_missing': {
    rule: { vi: 'Giá trị phải trỏ tới một dòng của bảng danh mục', en: 'the value must point at a row of the lookup table' },
    fix: fixColumn('Chọn một giá trị có trong danh mục', 'Choose a value the lookup table holds'),
  },
  'mapping.date_invalid': {
    rule: { vi: 'Một ngày có thật (dd/mm/yyyy, mm/yyyy, yyyy)', en: 'a real date (dd/mm/yyyy, mm/yyyy, yyyy)' },
    fix: fixColumn('Nhập ngày đúng', 'Enter a real date'),
  },
  'mapping.date_partial': DATE_PARTIAL,
  'mapping.date_precision_unknown': {
    rule: { vi: 'Độ chính xác của ngày là năm, tháng hoặc ngày', en: 'a date precision is year, month or day' },
    fix: fixColumn('Sửa độ chính xác của ngày', 'Correct the date precision'),
  },
  'mapping.number_invalid': {
    rule: { vi: 'Một con số', en: 'a number' },
    fix: fixColumn('Nhập một con số', 'Enter a number'),
  },
  'mapping.phone_invalid': {
    rule: { vi: 'Một số điện thoại Việt Nam', en: 'a Vietnamese phone number' },
    fix: fixColumn('Nhập số điện thoại đúng', 'Enter a valid phone number'),
  },
  'mapping.unit_unknown': {
    rule: { vi: 'Đơn vị phải có trong cây đơn vị', en: 'the unit must be in the unit tree' },
    fix: fixColumn('Chọn một đơn vị đang có', 'Choose an existing unit'),
  },
  'mapping.unit_code_missing': {
    rule: { vi: 'Đơn vị phải có mã định danh điện tử (QĐ 20/2020)', en: 'the unit must have an electronic agency code (QĐ 20/2020)' },
    fix: { vi: 'Gán mã định danh cho đơn vị trong danh mục đơn vị (xem csdl-gateway mapping gaps)', en: 'Give the unit its agency code in the unit list (see csdl-gateway mapping gaps)' },
  },
  'mapping.approval_time_missing': {
    rule: { vi: 'Lần duyệt phải có thời điểm duyệt', en: 'the approval must have a time' },
    fix: { vi: 'Duyệt lại hồ sơ trong phần mềm quản lý cán bộ', en: 'Approve the record again in the HR software' },
  },
  'mapping.failed': {
    rule: { vi: 'Hồ sơ của nhà cung cấp có dạng ánh xạ không lường trước', en: "the vendor's record has a shape the mapping did not expect" },
    fix: { vi: 'Báo cho người giữ ánh xạ (mappings/), kèm mã nhân sự', en: 'Tell whoever keeps the mapping (mappings/), with the vendor id' },
  },
};

const UNKNOWN: RuleWords = {
  rule: { vi: 'Quy tắc chưa có lời giải thích; xem thông báo gốc', en: 'a rule with no explanation yet; see the message' },
  fix: { vi: 'Sửa hồ sơ theo thông báo gốc', en: 'Correct the record as the message says' },
};

/** The table's keys for a problem, most specific first. */
export function keysOf(problem: ExplainableProblem): string[] {
  const keys: string[] = [];
  if (problem.rule) {
    const space = problem.rule.indexOf(' ');
    keys.push(`${problem.code} ${problem.rule}`);
    if (space > 0) keys.push(`${problem.code} ${problem.rule.slice(0, space)}`);
  }
  keys.push(problem.code);
  return keys;
}

function fill(words: Words, values: { column: string; limit: string }): Words {
  const put = (text: string): string => text.replaceAll('{column}', values.column).replaceAll('{limit}', values.limit);
  return { vi: put(words.vi), en: put(words.en) };
}

/**
 * The rule in words and what to change, for one stored problem; `column` is the vendor
 * column the value came from (problem.source). `key` is the table's key that answered, or
 * undefined when none did (the words then say so).
 */
export function explainProblem(problem: ExplainableProblem, column: string): RuleWords & { key: string | undefined } {
  const key = keysOf(problem).find((k) => REFUSAL_WORDS[k] !== undefined);
  const words = key === undefined ? UNKNOWN : (REFUSAL_WORDS[key] as RuleWords);
  const space = problem.rule?.indexOf(' ') ?? -1;
  const limit = problem.rule && space > 0 ? problem.rule.slice(space + 1) : '';
  const values = { column, limit };
  return { key, rule: fill(words.rule, values), fix: fill(words.fix, values) };
}
