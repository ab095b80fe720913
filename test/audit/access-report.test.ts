import { expect } from 'chai';
import { reportHtml, reportJson, type AccessReport } from '../../src/audit/access-report.js';
import type { ChainedEntry } from '../../src/audit/audit-chain.js';

/**
 * The data subject's access report (Luật 91/2025/QH15): a page in Vietnamese an officer hands
 * over, headed by the province's agency (name and code), naming each reader agency by name
 * and code, each purpose in words, printable on A4. Nothing of the gateway's own vocabulary
 * (action names, purpose codes, English) where words are known.
 */
const PROVINCE = { code: '000.00.00.H62', name: 'Sở Nội vụ tỉnh Vĩnh Phúc' };
const TAX = '000.00.00.G15';

function entry(over: Partial<ChainedEntry>): ChainedEntry {
  return {
    seq: 1, at: new Date('2026-11-30T02:15:00Z'), actorKind: 'client', actorName: TAX, action: 'share.official.read',
    people: ['026185001234'], packetId: null, unit: null, fieldGroups: ['basic', 'salary'], purpose: 'thue.quyet-toan',
    outcome: 'ok', code: null, requestId: 'r1', prevHash: '0', hash: '1', ...over,
  };
}

const report: AccessReport = {
  soDinhDanh: '026185001234', since: undefined, generatedAt: new Date('2026-12-01T03:00:00Z'),
  province: PROVINCE, agencies: { [TAX]: 'Cục Thuế tỉnh Vĩnh Phúc', [PROVINCE.code]: PROVINCE.name },
  entries: [
    entry({}),
    entry({ seq: 2, actorKind: 'token', actorName: 'ops-hanh', action: 'ops.person.view', fieldGroups: [], purpose: null }),
    entry({ seq: 3, actorKind: 'token', actorName: 'ops-hanh', action: 'ops.record.settle', fieldGroups: [], purpose: 'đã xử lý với Bộ Nội vụ' }),
    entry({ seq: 4, actorName: '000.00.00.K01', purpose: 'doi-soat', outcome: 'refused', code: 'share.purpose_not_granted' }),
  ],
};

describe('audit: the access report for the data subject (HTML)', function () {
  const page = reportHtml(report);

  it('is headed by the province\'s agency, by name and code, under the national motto', function () {
    expect(page).to.contain('<strong>Sở Nội vụ tỉnh Vĩnh Phúc</strong><br>Mã định danh: 000.00.00.H62');
    expect(page).to.contain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(page).to.contain('<html lang="vi">');
  });

  it('names each reader agency by name and code, and one it does not know by its code', function () {
    expect(page).to.contain('Cục Thuế tỉnh Vĩnh Phúc (mã định danh 000.00.00.G15)');
    expect(page).to.contain('Cơ quan có mã định danh 000.00.00.K01');
  });

  it('gives each purpose in words with its legal basis; an unknown one with its code; an operator\'s reason as given', function () {
    expect(page).to.contain('Quyết toán thuế thu nhập cá nhân (Luật Quản lý thuế số 38/2019/QH14)');
    expect(page).to.contain('Mục đích theo thỏa thuận chia sẻ dữ liệu (mã doi-soat)');
    expect(page).to.contain('Lý do do cán bộ ghi: đã xử lý với Bộ Nội vụ');
    expect(page).not.to.match(/>thue\.quyet-toan</);
  });

  it('says what was done in Vietnamese, not in the gateway\'s action names', function () {
    expect(page).to.contain('Khai thác hồ sơ cán bộ, công chức, viên chức');
    expect(page).to.contain('Xem lịch sử gửi hồ sơ của cá nhân');
    expect(page).to.contain('Ghi nhận bản ghi bị từ chối đã được xử lý');
    for (const code of ['share.official.read', 'ops.person.view', 'ops.record.settle']) expect(page).not.to.contain(code);
    expect(page).to.contain('Bị từ chối (mã lỗi share.purpose_not_granted)');
  });

  it('prints on A4 with the table header repeated on each page', function () {
    expect(page).to.match(/@page\s*\{\s*size:\s*A4/);
    expect(page).to.contain('thead { display: table-header-group; }');
  });

  it('the JSON carries the same agency names and codes for systems', function () {
    const json = JSON.parse(reportJson(report)) as { province: unknown; agencies: Record<string, string> };
    expect(json.province).to.deep.equal(PROVINCE);
    expect(json.agencies[TAX]).to.equal('Cục Thuế tỉnh Vĩnh Phúc');
  });
});
