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
  /** The province's agency answering for the data (the store's sender code), with its name when known. */
  province?: { code: string; name: string | null } | null;
  /** Names of the agencies the entries mention (reader clients, units), by agency code. */
  agencies?: Record<string, string>;
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
    province: report.province ?? null,
    agencies: report.agencies ?? {},
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

/** Who read, in the words of an official letter; another agency by its name and code. */
function actorLabel(e: ChainedEntry, agencies: Record<string, string>): string {
  switch (e.actorKind) {
    case 'client': return agencyLabel(e.actorName, agencies);
    case 'token': return `Cán bộ vận hành cổng kết nối (tài khoản ${e.actorName})`;
    case 'cli': return `Cán bộ quản trị trên máy chủ cổng kết nối (${e.actorName})`;
    case 'system': return 'Hệ thống cổng kết nối (tự động)';
    default: return e.actorName;
  }
}

function agencyLabel(code: string, agencies: Record<string, string>): string {
  const name = agencies[code];
  return name ? `${name} (mã định danh ${code})` : `Cơ quan có mã định danh ${code}`;
}

/** What was done, by action; an action not listed is named by its family. */
const ACTION_LABELS: Record<string, string> = {
  'share.official.read': 'Khai thác hồ sơ cán bộ, công chức, viên chức',
  'share.unit.read': 'Khai thác danh sách cán bộ của đơn vị',
  'ops.summary.view': 'Xem tình hình gửi dữ liệu lên Cơ sở dữ liệu quốc gia',
  'ops.records.list': 'Xem danh sách bản ghi gửi lên Cơ sở dữ liệu quốc gia',
  'ops.packet.view': 'Xem gói dữ liệu đã gửi',
  'ops.packet.envelope': 'Trích xuất gói dữ liệu đã ký số',
  'ops.packets.list': 'Tra cứu các gói dữ liệu có hồ sơ của cá nhân',
  'ops.person.view': 'Xem lịch sử gửi hồ sơ của cá nhân',
  'ops.packet.retry': 'Gửi lại gói dữ liệu',
  'ops.person.resend': 'Gửi lại hồ sơ của cá nhân',
  'ops.record.settle': 'Ghi nhận bản ghi bị từ chối đã được xử lý',
  'ops.packet.cancel': 'Hủy gói dữ liệu chưa gửi',
  'audit.person.access': 'Lập báo cáo truy cập dữ liệu cá nhân',
  'audit.list': 'Tra cứu nhật ký truy cập',
};
const ACTION_FAMILIES: [string, string][] = [
  ['share.', 'Cung cấp dữ liệu cho cơ quan khác'],
  ['ops.', 'Vận hành cổng kết nối'],
  ['transfer.', 'Tiếp nhận hồ sơ cán bộ chuyển đến'],
  ['audit.', 'Kiểm tra nhật ký truy cập'],
];

/**
 * The purposes agencies are granted, in words with their legal basis (Luật 91/2025/QH15 art. 13:
 * the data subject is told the purpose of each processing). A purpose not listed is shown with
 * its code, as agreed in the sharing grant; an operator's purpose is the reason they gave.
 */
const PURPOSE_LABELS: Record<string, string> = {
  'thue.quyet-toan': 'Quyết toán thuế thu nhập cá nhân (Luật Quản lý thuế số 38/2019/QH14)',
  'bhxh.giai-quyet-che-do': 'Giải quyết chế độ bảo hiểm xã hội (Luật Bảo hiểm xã hội số 41/2024/QH15)',
  'kiem-tra': 'Thanh tra, kiểm tra công vụ (Luật Thanh tra số 11/2022/QH15)',
  'thi-dua.khen-thuong': 'Xét thi đua, khen thưởng (Luật Thi đua, khen thưởng số 06/2022/QH15)',
  'to-chuc.can-bo': 'Quản lý cán bộ, công chức, viên chức (Luật Cán bộ, công chức; Luật Viên chức)',
};

function purposeLabel(e: ChainedEntry): string {
  if (!e.purpose) return '—';
  if (e.actorKind === 'client') return PURPOSE_LABELS[e.purpose] ?? `Mục đích theo thỏa thuận chia sẻ dữ liệu (mã ${e.purpose})`;
  return e.actorKind === 'system' ? e.purpose : `Lý do do cán bộ ghi: ${e.purpose}`;
}

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
  const exact = ACTION_LABELS[action];
  if (exact) return exact;
  const family = ACTION_FAMILIES.find(([p]) => action.startsWith(p));
  return family ? family[1] : action;
}

function htmlRow(e: ChainedEntry, agencies: Record<string, string>): string {
  const cells = [
    vietnamTime(e.at),
    actorLabel(e, agencies),
    actionLabel(e.action) + (e.unit ? `; đơn vị: ${agencyLabel(e.unit, agencies)}` : ''),
    e.fieldGroups.length ? e.fieldGroups.map((g) => FIELD_GROUP_LABELS[g] ?? g).join(', ') : '—',
    purposeLabel(e),
    (OUTCOME_LABELS[e.outcome] ?? e.outcome) + (e.code ? ` (mã lỗi ${e.code})` : ''),
  ];
  return `      <tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
}

export function reportHtml(report: AccessReport): string {
  const so = escapeHtml(report.soDinhDanh);
  const agencies = report.agencies ?? {};
  const province = report.province;
  const agency = province
    ? escapeHtml(province.name ? `${province.name}` : 'Cơ quan quản lý cơ sở dữ liệu cán bộ của tỉnh')
    : 'Cơ quan quản lý cơ sở dữ liệu cán bộ của tỉnh';
  const agencyCode = province ? `Mã định danh: ${escapeHtml(province.code)}` : '';
  const period = report.since ? `từ ${vietnamTime(report.since)} đến nay` : 'toàn bộ thời gian lưu nhật ký';
  const body = report.entries.length
    ? report.entries.map((e) => htmlRow(e, agencies)).join('\n')
    : '      <tr><td colspan="6">Không có lần truy cập nào trong khoảng thời gian này.</td></tr>';
  return `<!DOCTYPE html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <title>Báo cáo truy cập dữ liệu cá nhân – ${so}</title>
  <style>
    @page { size: A4 portrait; margin: 2cm 1.5cm 2cm 2.5cm; }
    body { font-family: "Times New Roman", serif; font-size: 13pt; color: #000; margin: 0; }
    .header { display: flex; justify-content: space-between; text-align: center; margin-bottom: 1.5em; }
    .header div { width: 48%; }
    h1 { font-size: 15pt; text-align: center; text-transform: uppercase; margin: 1em 0 0.5em; }
    table { width: 100%; border-collapse: collapse; font-size: 11pt; }
    th, td { border: 1px solid #000; padding: 3pt 4pt; text-align: left; vertical-align: top; }
    th { background: #eee; }
    thead { display: table-header-group; }
    tr { page-break-inside: avoid; }
    @media screen { body { max-width: 21cm; margin: 1cm auto; } }
  </style>
</head>
<body>
  <div class="header">
    <div><strong>${agency}</strong><br>${agencyCode}</div>
    <div><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong><br><strong>Độc lập - Tự do - Hạnh phúc</strong></div>
  </div>
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
  quốc gia về cán bộ, công chức, viên chức, theo nhật ký truy cập có bảo vệ chống sửa đổi, để cá nhân
  thực hiện quyền được biết về việc xử lý dữ liệu cá nhân của mình (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15).</p>
</body>
</html>
`;
}

export function renderReport(report: AccessReport, format: ReportFormat): { contentType: string; body: string } {
  if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', body: reportCsv(report) };
  if (format === 'html') return { contentType: 'text/html; charset=utf-8', body: reportHtml(report) };
  return { contentType: 'application/json; charset=utf-8', body: reportJson(report) };
}
