import type { TableSpec } from '../column-batch.js';

/**
 * The nhansu tables the generator fills (mappings/nhansu/schema.sql), with the types their
 * values are sent as. History rows are built positionally in this column order; the writer
 * puts the row id and emp_id first.
 */
export const ORG_UNIT: TableSpec = {
  table: 'nhansu.org_unit',
  columns: [['org_id', 'int'], ['parent_org_id', 'int'], ['agency_code', 'text'], ['org_name', 'text'], ['org_level', 'smallint'], ['closed', 'boolean'], ['merged_into', 'int']],
};

export const LOOKUPS = {
  item: { table: 'nhansu.lk_item', columns: [['item_code', 'text'], ['item_group', 'text'], ['item_label', 'text']] },
  ethnic: { table: 'nhansu.lk_ethnic', columns: [['ethnic_code', 'text'], ['ethnic_name', 'text']] },
  religion: { table: 'nhansu.lk_religion', columns: [['religion_code', 'text'], ['religion_name', 'text']] },
  staffKind: { table: 'nhansu.lk_staff_kind', columns: [['kind_code', 'text'], ['kind_name', 'text']] },
  workStatus: { table: 'nhansu.lk_work_status', columns: [['status_code', 'text'], ['status_name', 'text'], ['still_working', 'boolean']] },
  grade: { table: 'nhansu.lk_grade', columns: [['grade_code', 'text'], ['grade_title', 'text'], ['grade_family', 'text']] },
} as const satisfies Record<string, TableSpec>;

export const EMPLOYEE: TableSpec = {
  table: 'nhansu.employee',
  columns: [
    ['emp_id', 'int'], ['emp_no', 'text'], ['full_name', 'text'], ['dob', 'date'], ['dob_precision', 'text'], ['sex', 'text'],
    ['citizen_id', 'text'], ['citizen_id_issued', 'date'], ['mobile', 'text'], ['insurance_no', 'text'],
    ['birth_place', 'text'], ['birth_province', 'text'], ['origin_place', 'text'], ['origin_province', 'text'], ['address', 'text'],
    ['ethnic_code', 'text'], ['religion_code', 'text'], ['kind_code', 'text'], ['org_id', 'int'], ['approver_org_id', 'int'],
    ['hired_on', 'date'], ['hired_by', 'text'], ['joined_on', 'date'], ['post_title', 'text'], ['post_since', 'date'],
    ['job_position', 'text'], ['grade_code', 'text'], ['pay_step', 'smallint'], ['pay_coefficient', 'numeric'], ['pay_since', 'date'],
    ['pay_percent', 'numeric'], ['seniority_extra', 'numeric'], ['post_allowance', 'numeric'], ['party_joined', 'date'],
    ['party_confirmed', 'date'], ['schooling', 'text'], ['prof_code', 'text'], ['politics_code', 'text'], ['admin_code', 'text'],
    ['health_note', 'text'], ['height_cm', 'smallint'], ['weight_kg', 'smallint'], ['blood_group', 'text'], ['status_code', 'text'],
    ['left_on', 'date'], ['is_deleted', 'boolean'], ['modified_at', 'timestamptz'],
  ],
};

const history = (table: string, columns: TableSpec['columns']): TableSpec => ({
  table: `nhansu.${table}`,
  columns: [['rec_id', 'bigint'], ['emp_id', 'int'], ...columns],
});

export const NHANSU_HISTORY = {
  career: history('career', [['start_on', 'date'], ['end_on', 'date'], ['period_precision', 'text'], ['workplace', 'text'], ['role', 'text']]),
  schooling_record: history('schooling_record', [['from_year', 'smallint'], ['to_year', 'smallint'], ['institution', 'text'], ['major', 'text'], ['study_mode', 'text'], ['diploma', 'text']]),
  language_cert: history('language_cert', [['lang', 'text'], ['cert_level', 'text']]),
  honour: history('honour', [['honour_year', 'smallint'], ['honour_title', 'text'], ['granted_by', 'text']]),
  sanction: history('sanction', [['sanction_year', 'smallint'], ['sanction_kind', 'text'], ['grounds', 'text']]),
  yearly_review: history('yearly_review', [['review_year', 'smallint'], ['result_code', 'text']]),
  kin: history('kin', [['relation', 'text'], ['kin_name', 'text'], ['born_year', 'smallint'], ['occupation', 'text']]),
  work_contract: history('work_contract', [['contract_ref', 'text'], ['term_code', 'text'], ['signed', 'date'], ['starts', 'date'], ['ends', 'date'], ['duties', 'text'], ['salary_vnd', 'bigint']]),
  // Rows of one person in round order: the latest (highest rec_id) is the record's state.
  record_review: history('record_review', [['outcome', 'text'], ['reviewer', 'text'], ['reviewed_at', 'timestamptz'], ['remark', 'text']]),
} as const satisfies Record<string, TableSpec>;

export type NhansuHistoryTable = keyof typeof NHANSU_HISTORY;

/** Every table of the schema, for the installer's presence check. */
export const NHANSU_TABLES = [
  'org_unit', 'lk_item', 'lk_ethnic', 'lk_religion', 'lk_staff_kind', 'lk_work_status', 'lk_grade', 'employee',
  'career', 'schooling_record', 'language_cert', 'honour', 'sanction', 'yearly_review', 'kin', 'work_contract',
  'record_review', 'inbound_transfer',
] as const;
