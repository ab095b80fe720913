import type { ChainedEntry } from './audit-chain.js';

/**
 * A person's access report: every entry of the audit log naming their số định danh, that is
 * every read or change of their data through the gateway, by whom, when, which field groups and
 * for what purpose (Luật 91/2025/QH15: the data subject's right to know how their data was
 * processed). JSON and CSV for systems; a printable HTML page in Vietnamese that an officer can
 * hand to the person who asked.
 */
export type ReportFormat = 'json' | 'csv' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'csv', 'html'];

export interface AccessReport {
  soDinhDanh: string;
  since: Date | undefined;
  generatedAt: Date;
  entries: ChainedEntry[];
}

export interface AccessReportRow {
  seq: number;
  at: string;
  actor: { kind: string; name: string };
  action: string;
  fieldGroups: string[];
  purpose: string | null;
  outcome: string;
  code: string | null;
  unit: string | null;
  packetId: string | null;
  requestId: string | null;
}

export function reportRows(entries: readonly ChainedEntry[]): AccessReportRow[] {
  return entries.map((e) => ({
    seq: e.seq, at: e.at.toISOString(), actor: { kind: e.actorKind, name: e.actorName }, action: e.action,
    fieldGroups: e.fieldGroups, purpose: e.purpose, outcome: e.outcome, code: e.code, unit: e.unit,
    packetId: e.packetId, requestId: e.requestId,
  }));
}

export function reportJson(report: AccessReport): string {
  return JSON.stringify({
    soDinhDanh: report.soDinhDanh,
    since: report.since?.toISOString() ?? null,
    generatedAt: report.generatedAt.toISOString(),
    entries: reportRows(report.entries),
  }, null, 2);
}

const CSV_COLUMNS = ['at', 'actor_kind', 'actor_name', 'action', 'field_groups', 'purpose', 'outcome', 'code', 'unit', 'packet_id', 'request_id'];

/** RFC 4180 quoting; a cell starting like a formula is prefixed with ' so a spreadsheet shows it as text. */
function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportCsv(report: AccessReport): string {
  const lines = report.entries.map((e) => [
    e.at.toISOString(), e.actorKind, e.actorName, e.action, e.fieldGroups.join(' '), e.purpose, e.outcome, e.code,
    e.unit, e.packetId, e.requestId,
  ].map(csvCell).join(','));
  return `${[CSV_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Vietnam keeps UTC+7 all year (no daylight saving): dd/MM/yyyy HH:mm:ss, as on official papers. */
export function vietnamTime(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(local.getUTCDate())}/${p(local.getUTCMonth() + 1)}/${local.getUTCFullYear()} ` +
    `${p(local.getUTCHours())}:${p(local.getUTCMinutes())}:${p(local.getUTCSeconds())}`;
}

const ACTOR_LABELS: Record<string, (name: string) => string> = {
  token: (n) => `Cán bộ vận hành (${n})`,
  client: (n) => `Cơ quan ${n}`,
  cli: (n) => `Dòng lệnh trên máy chủ (${n})`,
  system: (n) => `Hệ thống (${n})`,
};
const ACTION_PREFIXES: [string, string][] = [
  ['share.', 'Cung cấp cho cơ quan khác'],
  ['ops.', 'Vận hành cổng kết nối'],
  ['transfer.', 'Tiếp nhận hồ sơ chuyển đến'],
  ['audit.', 'Kiểm tra nhật ký truy cập'],
];
const FIELD_GROUP_LABELS: Record<string, string> = {
  basic: 'Thông tin cơ bản',
  employment: 'Công tác',
  salary: 'Lương',
  education: 'Đào tạo',
  history: 'Quá trình công tác',
  sensitive: 'Dữ liệu cá nhân nhạy cảm',
};
const OUTCOME_LABELS: Record<string, string> = { ok: 'Thành công', refused: 'Bị từ chối', error: 'Lỗi' };

function actionLabel(action: string): string {
  const prefix = ACTION_PREFIXES.find(([p]) => action.startsWith(p));
  return prefix ? `${prefix[1]} (${action})` : action;
}

function htmlRow(e: ChainedEntry): string {
  const cells = [
    vietnamTime(e.at),
    (ACTOR_LABELS[e.actorKind] ?? ((n: string) => n))(e.actorName),
    actionLabel(e.action),
    e.fieldGroups.length ? e.fieldGroups.map((g) => FIELD_GROUP_LABELS[g] ?? g).join(', ') : '—',
    e.purpose ?? '—',
    (OUTCOME_LABELS[e.outcome] ?? e.outcome) + (e.code ? ` (${e.code})` : ''),
  ];
  return `      <tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
}

export function reportHtml(report: AccessReport): string {
  const so = escapeHtml(report.soDinhDanh);
  const period = report.since ? `từ ${vietnamTime(report.since)} đến nay` : 'toàn bộ thời gian lưu nhật ký';
  const body = report.entries.length
    ? report.entries.map(htmlRow).join('\n')
    : '      <tr><td colspan="6">Không có lần truy cập nào trong khoảng thời gian này.</td></tr>';
  return `<!DOCTYPE html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <title>Báo cáo truy cập dữ liệu cá nhân – ${so}</title>
  <style>
    body { font-family: "Times New Roman", serif; margin: 2cm; color: #000; }
    h1 { font-size: 16pt; text-align: center; text-transform: uppercase; }
    table { width: 100%; border-collapse: collapse; font-size: 11pt; }
    th, td { border: 1px solid #000; padding: 4px 6px; text-align: left; vertical-align: top; }
    th { background: #eee; }
    @media print { body { margin: 1cm; } tr { page-break-inside: avoid; } }
  </style>
</head>
<body>
  <h1>Báo cáo truy cập dữ liệu cá nhân</h1>
  <p>Số định danh cá nhân: <strong>${so}</strong></p>
  <p>Phạm vi: ${escapeHtml(period)}. Lập lúc: ${escapeHtml(vietnamTime(report.generatedAt))} (giờ Việt Nam).</p>
  <p>Số lần truy cập: ${report.entries.length}.</p>
  <table>
    <thead>
      <tr><th>Thời điểm</th><th>Bên truy cập</th><th>Hành động</th><th>Nhóm thông tin</th><th>Mục đích</th><th>Kết quả</th></tr>
    </thead>
    <tbody>
${body}
    </tbody>
  </table>
  <p>Báo cáo liệt kê mọi lần dữ liệu của cá nhân được đọc hoặc thay đổi qua cổng kết nối với Cơ sở dữ liệu
  quốc gia về cán bộ, công chức, viên chức, theo nhật ký truy cập có bảo vệ chống sửa đổi
  (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15).</p>
</body>
</html>
`;
}

export function renderReport(report: AccessReport, format: ReportFormat): { contentType: string; body: string } {
  if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', body: reportCsv(report) };
  if (format === 'html') return { contentType: 'text/html; charset=utf-8', body: reportHtml(report) };
  return { contentType: 'application/json; charset=utf-8', body: reportJson(report) };
}
