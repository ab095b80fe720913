import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../paths.js';
import { ContractError } from './contract-error.js';

/**
 * The national side's interface as data: its JSON schemas and code lists, read once from
 * `contract/national/` (an unchanged copy of ../shared/contract). Everything that checks or
 * builds national payloads takes a `NationalContract` rather than reading files itself.
 */
export interface CodeItem {
  ma: string;
  ten: string;
  /** Salary group, on `ngach` and `chuc-danh-nghe-nghiep` items. */
  nhomLuong?: string;
  /** Salary coefficients by bậc, on `bang-luong` items. */
  heSo?: number[];
  /** Provinces merged into this one on 1 July 2025, on `tinh` items. */
  truocSapNhap?: { ma: string; ten: string }[];
}

export interface CodeList {
  list: string;
  title: string;
  note?: string;
  items: CodeItem[];
  /** Items by `ma`, built once at load. */
  byCode: ReadonlyMap<string, CodeItem>;
}

export type SchemaName = 'official' | 'packet' | 'envelope' | 'receipt';

export interface NationalContract {
  schemas: Readonly<Record<SchemaName, Record<string, unknown>>>;
  codes: ReadonlyMap<string, CodeList>;
}

export const MINISTRY_AGENCY_CODE = '000.00.00.G09';

/**
 * An electronic agency code `DDD.DD.DD.Xnn` (QĐ 20/2020/QĐ-TTg; contract README, the schemas'
 * sender, receiver and unit patterns). `.source` is the JSON-schema pattern string.
 */
export const AGENCY_CODE_PATTERN = /^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-K][0-9]{2}$/;

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function loadNationalContract(
  schemasDir: string = paths.nationalSchemas,
  codesDir: string = paths.nationalCodes,
): NationalContract {
  const schemas = {} as Record<SchemaName, Record<string, unknown>>;
  for (const name of ['official', 'packet', 'envelope', 'receipt'] as const) {
    schemas[name] = readJson(join(schemasDir, `${name}.schema.json`)) as Record<string, unknown>;
  }
  const codes = new Map<string, CodeList>();
  for (const file of readdirSync(codesDir).filter((f) => f.endsWith('.json')).sort()) {
    const raw = readJson(join(codesDir, file)) as Omit<CodeList, 'byCode'>;
    codes.set(raw.list, { ...raw, byCode: new Map(raw.items.map((item) => [item.ma, item])) });
  }
  return { schemas, codes };
}

let cached: NationalContract | undefined;

/** The contract shipped with the gateway, loaded on first use. */
export function nationalContract(): NationalContract {
  cached ??= loadNationalContract();
  return cached;
}

export function codeList(contract: NationalContract, name: string): CodeList {
  const list = contract.codes.get(name);
  if (!list) throw new ContractError('contract.code_list_unknown', `unknown national code list '${name}'`);
  return list;
}
