import { ShareError } from './share-error.js';

/**
 * Which parts of a national record a client may receive (docs/decisions/sharing.md). A grant
 * names field groups; the record's top-level sections fall into `basic`, `employment`,
 * `salary`, `education` and `history` as the standard CV form (TT 06/2023/TT-BNV) groups them,
 * and everything the schema marks `x-sensitive`, at any depth, needs `sensitive` as well
 * (Luật 91/2025/QH15: sensitive personal data is shared only under an explicit grant). The
 * sensitive parts are read from official.schema.json at load, never listed by hand. Fields
 * outside the grant are left out, not nulled. Pure.
 */
export const FIELD_GROUPS = ['basic', 'employment', 'salary', 'education', 'history', 'sensitive'] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];

/**
 * The CV form's sections, for the top-level fields that are not sensitive as a whole. A
 * top-level field the schema marks x-sensitive belongs to `sensitive` alone. `fieldPlan`
 * refuses a schema with a field in neither, so a new national field is never served unplaced.
 */
const SECTIONS: Readonly<Record<Exclude<FieldGroup, 'sensitive'>, readonly string[]>> = {
  basic: ['soDinhDanh', 'hoTen', 'tenGoiKhac', 'ngaySinh', 'gioiTinh', 'noiSinh', 'queQuan', 'soDienThoai', 'soBhxh', 'noiOHienNay'],
  employment: [
    'loaiNhanSu', 'coQuanQuanLy', 'donViSuDung', 'tinhTrang', 'ngayNghi', 'ngayTuyenDung', 'coQuanTuyenDung', 'ngayVaoCoQuan',
    'chucVu', 'viTriViecLam', 'hopDong',
  ],
  salary: ['luong'],
  education: ['trinhDo', 'ngoaiNgu', 'daoTao'],
  history: ['quaTrinhCongTac', 'khenThuong', 'danhGia'],
};

/** Where sensitive data sits under a field: the whole of it, or some of its parts. */
export interface SensitiveNode {
  whole: boolean;
  properties: Map<string, SensitiveNode>;
  items?: SensitiveNode;
}

export interface FieldPlan {
  /** Top-level field -> the group that grants it. */
  groupOf: ReadonlyMap<string, FieldGroup>;
  /** Top-level field -> its sensitive parts, for fields that hold some but are not sensitive whole. */
  sensitiveParts: ReadonlyMap<string, SensitiveNode>;
}

type Schema = Record<string, unknown>;

function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The sensitive markings under one schema node, or undefined when there are none. */
export function sensitiveNodeOf(schema: unknown): SensitiveNode | undefined {
  if (!isSchema(schema)) return undefined;
  if (schema['x-sensitive'] === true) return { whole: true, properties: new Map() };
  const node: SensitiveNode = { whole: false, properties: new Map() };
  // The record's parts: object properties and array items, also where a combinator holds them.
  const alternatives = ['allOf', 'anyOf', 'oneOf'].flatMap((k) => (Array.isArray(schema[k]) ? (schema[k] as unknown[]) : []));
  for (const part of [schema, ...alternatives]) {
    if (!isSchema(part)) continue;
    if (part !== schema) {
      const inner = sensitiveNodeOf(part);
      if (inner?.whole) return inner;
      if (inner) mergeInto(node, inner);
      continue;
    }
    const props = part.properties;
    if (isSchema(props)) {
      for (const [name, sub] of Object.entries(props)) {
        const child = sensitiveNodeOf(sub);
        if (child) node.properties.set(name, child);
      }
    }
    const items = sensitiveNodeOf(part.items);
    if (items) node.items = items;
  }
  return node.properties.size > 0 || node.items ? node : undefined;
}

function mergeInto(target: SensitiveNode, source: SensitiveNode): void {
  for (const [name, child] of source.properties) target.properties.set(name, child);
  if (source.items) target.items = source.items;
}

/** The plan for a record schema (official.schema.json); throws on a field no group places. */
export function fieldPlan(officialSchema: Schema): FieldPlan {
  const props = isSchema(officialSchema.properties) ? officialSchema.properties : {};
  const groupOf = new Map<string, FieldGroup>();
  const sensitiveParts = new Map<string, SensitiveNode>();
  const section = new Map<string, FieldGroup>();
  for (const [group, fields] of Object.entries(SECTIONS)) for (const f of fields) section.set(f, group as FieldGroup);
  const unplaced: string[] = [];
  for (const [name, sub] of Object.entries(props)) {
    const node = sensitiveNodeOf(sub);
    if (node?.whole) {
      groupOf.set(name, 'sensitive');
      continue;
    }
    const group = section.get(name);
    if (!group) {
      unplaced.push(name);
      continue;
    }
    groupOf.set(name, group);
    if (node) sensitiveParts.set(name, node);
  }
  if (unplaced.length > 0) throw new ShareError('share.field_unplaced', `record fields in no field group: ${unplaced.join(', ')}`);
  return { groupOf, sensitiveParts };
}

/** A copy of `value` without the parts `node` marks sensitive. */
function withoutSensitive(value: unknown, node: SensitiveNode): unknown {
  if (Array.isArray(value)) return node.items ? value.map((v) => withoutSensitive(v, node.items as SensitiveNode)) : value;
  if (!isSchema(value) || node.properties.size === 0) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const child = node.properties.get(k);
    if (!child) out[k] = v;
    else if (!child.whole) out[k] = withoutSensitive(v, child);
  }
  return out;
}

/**
 * The record with only what `groups` grant: a field outside them is left out; a field the
 * groups grant keeps its sensitive parts only with `sensitive`. A field the schema does not
 * know is left out too.
 */
export function filterRecord(record: Record<string, unknown>, groups: ReadonlySet<FieldGroup>, plan: FieldPlan): Record<string, unknown> {
  const sensitive = groups.has('sensitive');
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) {
    const group = plan.groupOf.get(name);
    if (!group || !groups.has(group)) continue;
    const parts = sensitive ? undefined : plan.sensitiveParts.get(name);
    out[name] = parts ? withoutSensitive(value, parts) : value;
  }
  return out;
}

/** The groups of `groups` that hold at least one field of `record` as filtered: what was returned. */
export function groupsReturned(filtered: Record<string, unknown>, groups: ReadonlySet<FieldGroup>, plan: FieldPlan): FieldGroup[] {
  const seen = new Set<FieldGroup>();
  for (const name of Object.keys(filtered)) {
    const group = plan.groupOf.get(name);
    if (group) seen.add(group);
    if (groups.has('sensitive') && plan.sensitiveParts.has(name)) seen.add('sensitive');
  }
  return FIELD_GROUPS.filter((g) => seen.has(g));
}

export function isFieldGroup(v: string): v is FieldGroup {
  return (FIELD_GROUPS as readonly string[]).includes(v);
}
