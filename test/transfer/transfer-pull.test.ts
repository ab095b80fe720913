import { expect } from 'chai';
import { encodePayload } from '../../src/encoding/payload-codec.js';
import { buildEnvelope, createCmsSigner } from '../../src/signing/cms-signer.js';
import { TransferError } from '../../src/transfer/transfer-error.js';
import type { CallContext } from '../../src/transfer/transfer-service.js';
import { identityOf, makeCa, makeLeaf, MINISTRY } from '../signing/pki-fixture.js';
import { exampleOfficial } from '../contract/contract-examples.js';
import { CLOSED_UNIT, startTransferWorld, transferee, UNIT, UNIT_ID, type TransferWorld } from './transfer-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- rows and records are known JSON */
/**
 * End to end against the simulator on loopback (contract README, "Pull a transferee"): what
 * lands in qlcb.tiep_nhan_chuyen_den, column by column, and what never does.
 */
const CLI: CallContext = { actor: { kind: 'cli', name: 'tester' } };

async function refusal(work: Promise<unknown>): Promise<TransferError> {
  try {
    await work;
  } catch (err) {
    if (err instanceof TransferError) return err;
    throw err;
  }
  throw new Error('expected a TransferError');
}

/**
 * ho_so of contract example official.json for the receiving unit: every vendor column but
 * ngay_vao_co_quan, whose national value '2015-06' has no day for the vendor's date column.
 */
function exampleHoSo(soDinhDanh: string): Record<string, unknown> {
  return {
    so_cccd: soDinhDanh, ho_ten: 'Nguyễn Thị Thu Hà', ngay_sinh: '14/03/1985', gioi_tinh: 0,
    dien_thoai: '0912345678', so_bhxh: '2609123456',
    noi_sinh: 'Xã Tam Hợp, huyện Bình Xuyên, tỉnh Vĩnh Phúc (cũ)', noi_sinh_tinh: 'Phú Thọ', que_quan_tinh: 'Phú Thọ',
    dan_toc_id: 1, ton_giao: 'Không', loai_can_bo: 'CC', don_vi_id: UNIT_ID, trang_thai: 'DANG_LAM',
    ngay_tuyen_dung: '2009-09-01', co_quan_tuyen_dung: 'Sở Nội vụ tỉnh Vĩnh Phúc',
    chuc_vu: 'Phó Trưởng phòng', ngay_bo_nhiem: '2020-01-15', vi_tri_viec_lam: 'Quản lý công chức, viên chức',
    ngach_id: 3, bac_luong: 5, he_so_luong: 3.66, ngay_huong_luong: '2023-09-01', phan_tram_huong: 100, pc_chuc_vu: 0.3,
    ngay_vao_dang: '2012-05-19', ngay_chinh_thuc: '2013-05-19',
    trinh_do_pho_thong: '12/12', trinh_do_chuyen_mon: 'Thạc sĩ', ly_luan_chinh_tri: 'Trung cấp', quan_ly_nha_nuoc: 'Chuyên viên',
    suc_khoe: 'Tốt', chieu_cao: 158, can_nang: 52, nhom_mau: 'O',
    qua_trinh_cong_tac: [
      { tu_ngay: '09/2009', den_ngay: '05/2015', don_vi: 'UBND huyện Bình Xuyên', chuc_vu: 'Chuyên viên' },
      { tu_ngay: '06/2015', don_vi: 'Sở Nội vụ tỉnh Vĩnh Phúc', chuc_vu: 'Phó Trưởng phòng' },
    ],
    dao_tao: [{ tu_ngay: '09/2003', den_ngay: '06/2007', co_so: 'Học viện Hành chính Quốc gia', chuyen_nganh: 'Hành chính học', hinh_thuc: 'Chính quy', van_bang: 'Cử nhân' }],
    ngoai_ngu: [{ ten: 'Tiếng Anh', trinh_do: 'B1' }],
    khen_thuong: [{ nam: 2022, hinh_thuc: 'Bằng khen của Chủ tịch UBND tỉnh' }],
    ky_luat: [],
    danh_gia: [{ nam: 2023, xep_loai: 'Hoàn thành tốt nhiệm vụ' }, { nam: 2024, xep_loai: 'Hoàn thành xuất sắc nhiệm vụ' }],
    quan_he_gia_dinh: [{ quan_he: 'Mẹ', ho_ten: 'Trần Thị Lan', nam_sinh: 1960, thong_tin: 'Nghỉ hưu' }],
    hop_dong: [],
  };
}

/** A VC teacher from another province, whose ethnicity (Ngái, 11) the province's list lacks. */
function teacher(soDinhDanh: string): any {
  return {
    soDinhDanh, hoTen: 'Lê Thị Hồng Nhung', ngaySinh: '1990-05', gioiTinh: { ma: '2', ten: 'Nữ' },
    noiSinh: { tinh: { ma: '25', ten: 'Phú Thọ' }, chiTiet: 'Thị trấn Hương Canh, Vĩnh Phúc' },
    queQuan: { tinh: { ma: '25', ten: 'Phú Thọ' }, chiTiet: 'Xã Quất Lưu, Vĩnh Phúc' },
    danToc: { ma: '11', ten: 'Ngái' }, tonGiao: { ma: '00', ten: 'Không' }, soDienThoai: '0355666777',
    loaiNhanSu: { ma: 'VC', ten: 'Viên chức' }, coQuanQuanLy: '000.00.00.H26', donViSuDung: '000.02.07.H26',
    tinhTrang: { ma: 'DANG_CONG_TAC', ten: 'Đang công tác' }, ngayTuyenDung: '2009-09-01', coQuanTuyenDung: 'Sở Giáo dục tỉnh Thái Nguyên',
    luong: { chucDanhNgheNghiep: { ma: 'V.07.03.29', ten: 'Giáo viên tiểu học hạng III' }, bac: 3, heSo: 3.0, ngayHuong: '2021-06-01', phanTramHuong: 100 },
    trinhDo: { phoThong: '12/12', chuyenMon: { ma: 'DH', ten: 'Đại học' } },
    danhGia: [{ nam: 2024, xepLoai: { ma: 'HTNV', ten: 'Hoàn thành nhiệm vụ' } }],
  };
}

describe('transfer pull, end to end against the simulator (postgres)', function () {
  this.timeout(120_000);
  let w: TransferWorld;
  let today = '2026-02-09';

  before(async function () {
    w = await startTransferWorld('postgres', { today: () => today });
    // The province's ethnicity list without Ngái: a national code with no vendor value.
    await w.source.db.query(`DELETE FROM qlcb.dm_dan_toc WHERE ten = 'Ngái'`);
  });
  after(async function () {
    await w?.close();
  });
  beforeEach(async function () {
    w.sim.sim.faults.reset();
    w.audit.entries.length = 0;
    await w.source.db.query('DELETE FROM qlcb.tiep_nhan_chuyen_den');
    await w.store.db.query('DELETE FROM csdl_gateway.transfers');
  });

  it('stages a JSON record with every vendor column, the deadline counted across Tết 2026, and one audit entry', async function () {
    await w.hold(transferee(700));
    const steps: { done: number; total: number | undefined }[] = [];
    const out = await w.service.pull({ soDinhDanh: '026185000700', receivingUnit: UNIT, decision: { so: '12/QĐ-UBND', ngayHieuLuc: '2026-02-09' } }, CLI, (e) => steps.push(e));
    expect(steps).to.deep.equal([1, 2, 3, 4, 5].map((done) => ({ done, total: 5 })));
    const rows = await w.staged();
    expect(rows).to.have.length(1);
    const row = rows[0];
    expect(Object.keys(row).sort()).to.deep.equal(['don_vi_nhan_id', 'ho_so', 'id', 'nguon', 'so_cccd', 'thoi_diem_nhan', 'trang_thai']);
    expect({ so_cccd: row.so_cccd, don_vi_nhan_id: row.don_vi_nhan_id, nguon: row.nguon, trang_thai: row.trang_thai })
      .to.deep.equal({ so_cccd: '026185000700', don_vi_nhan_id: UNIT_ID, nguon: 'CSDL_QUOC_GIA', trang_thai: 'CHO_TIEP_NHAN' });
    expect(row.thoi_diem_nhan).to.be.instanceOf(Date);
    expect(row.ho_so).to.deep.equal(exampleHoSo('026185000700'));
    expect(out.staged).to.deep.include({ id: String(row.id), refreshed: false, format: 'json' });
    expect(out.warnings.map((x) => [x.code, x.path, x.source])).to.deep.equal([['mapping.date_partial', '/ngay_vao_co_quan', '/ngayVaoCoQuan']]);
    // Mon 9/2/2026 + 10 working days, Tết (14/2-22/2) skipped: Mon 2/3.
    expect(out.transfer).to.deep.include({ status: 'staged', deadline: '2026-03-02', workingDaysLeft: 10, overdue: false, decision: { so: '12/QĐ-UBND', ngayHieuLuc: '2026-02-09' } });
    const [tracked] = await w.transfers();
    expect(tracked).to.deep.include({ status: 'staged', staging_id: String(row.id), payload_format: 'json', requested_by_kind: 'cli', requested_by: 'tester', pulls: 1 });
    expect(tracked.payload_sha256).to.match(/^[0-9a-f]{64}$/);
    // The intent (the transfer opened, before the national side was called), then the pull.
    expect(w.audit.entries).to.deep.equal([{
      actor: { kind: 'cli', name: 'tester' }, action: 'transfer.request', people: ['026185000700'], unit: UNIT,
      purpose: 'transfer-in; decision 12/QĐ-UBND; effective 2026-02-09', outcome: 'ok',
    }, {
      actor: { kind: 'cli', name: 'tester' }, action: 'transfer.pull', people: ['026185000700'], unit: UNIT,
      purpose: 'transfer-in; decision 12/QĐ-UBND; effective 2026-02-09', outcome: 'ok',
      fieldGroups: ['basic', 'employment', 'salary', 'education', 'history', 'sensitive'],
    }]);
  });

  it('stages an XML record (migrated) with every vendor column, and warns of a code the vendor lacks', async function () {
    await w.hold(teacher('026190000702'), { xml: true });
    const out = await w.service.pull({ soDinhDanh: '026190000702', receivingUnit: UNIT }, CLI);
    expect(out.staged.format).to.equal('xml');
    const [row] = await w.staged();
    expect(row.ho_so).to.deep.equal({
      so_cccd: '026190000702', ho_ten: 'Lê Thị Hồng Nhung', ngay_sinh: '00/05/1990', gioi_tinh: 0, dien_thoai: '0355666777',
      noi_sinh: 'Thị trấn Hương Canh', noi_sinh_tinh: 'Vĩnh Phúc', que_quan: 'Xã Quất Lưu', que_quan_tinh: 'Vĩnh Phúc',
      dan_toc_id: { ma: '11', ten: 'Ngái' }, ton_giao: 'Không', loai_can_bo: 'VC', don_vi_id: UNIT_ID, trang_thai: 'DANG_LAM',
      ngay_tuyen_dung: '2009-09-01', co_quan_tuyen_dung: 'Sở Giáo dục tỉnh Thái Nguyên',
      ngach_id: 7, bac_luong: 3, he_so_luong: 3, ngay_huong_luong: '2021-06-01', phan_tram_huong: 100,
      trinh_do_pho_thong: '12/12', trinh_do_chuyen_mon: 'Đại học',
      danh_gia: [{ nam: 2024, xep_loai: 'Hoàn thành nhiệm vụ' }],
      qua_trinh_cong_tac: [], dao_tao: [], ngoai_ngu: [], khen_thuong: [], ky_luat: [], quan_he_gia_dinh: [], hop_dong: [],
    });
    expect(out.warnings.map((x) => [x.code, x.path])).to.deep.equal([['mapping.no_vendor_value', '/dan_toc_id']]);
    expect(out.warnings[0]?.message).to.include("code '11'");
    expect(out.transfer.deadline).to.equal(undefined);
  });

  it('refreshes the waiting row on a repeat pull instead of adding one', async function () {
    const data = transferee(703);
    await w.hold(data);
    const first = await w.service.pull({ soDinhDanh: '026185000703', receivingUnit: UNIT }, CLI);
    await w.hold({ ...data, soDienThoai: '0988777666' });
    const second = await w.service.pull({ soDinhDanh: '026185000703', receivingUnit: UNIT, decision: { ngayHieuLuc: '2025-04-24' } }, CLI);
    const rows = await w.staged();
    expect(rows).to.have.length(1);
    expect(second.staged).to.deep.include({ id: first.staged.id, refreshed: true });
    expect(rows[0].ho_so.dien_thoai).to.equal('0988777666');
    const tracked = await w.transfers();
    expect(tracked).to.have.length(1);
    expect(tracked[0].pulls).to.equal(2);
    // Thu 24/4/2025 + 10: Fri 25/4, Sat 26/4 (worked, swapped for Fri 2/5), Mon 28/4, Tue 29/4,
    // 30/4-4/5 off, Mon 5/5 .. Fri 9/5, Mon 12/5 (without the swap: Tue 13/5).
    expect(second.transfer.deadline).to.equal('2025-05-12');
  });

  it('refuses ALREADY_ACTIVE before fetching anything, and stages it with force', async function () {
    const example = exampleOfficial();
    await w.hold(example);
    w.sim.sim.faults.apply({ script: { pull: [{ status: 503 }] } });
    const err = await refusal(w.service.pull({ soDinhDanh: example.soDinhDanh, receivingUnit: UNIT }, CLI));
    expect([err.code, err.status]).to.deep.equal(['transfer.already_active', 409]);
    expect(w.sim.sim.faults.snapshot().script.pull).to.have.length(1);
    expect(await w.staged()).to.deep.equal([]);
    expect(await w.transfers()).to.deep.equal([]);
    w.sim.sim.faults.reset();
    const forced = await w.service.pull({ soDinhDanh: example.soDinhDanh, receivingUnit: UNIT, force: true }, CLI);
    expect(forced.staged.refreshed).to.equal(false);
    expect((await w.staged())[0].ho_so).to.deep.equal(exampleHoSo(example.soDinhDanh));
    expect(w.audit.entries.map((e) => [e.action, e.outcome, e.code])).to.deep.equal([
      ['transfer.pull', 'refused', 'transfer.already_active'], ['transfer.request', 'ok', undefined], ['transfer.pull', 'ok', undefined],
    ]);
  });

  it('refuses bad input with its own code before fetching anything, audited', async function () {
    w.sim.sim.faults.apply({ script: { pull: [{ status: 503 }] } });
    const cases: [unknown, string][] = [
      [{ soDinhDanh: '151234567', receivingUnit: UNIT }, 'transfer.bad_identity'],
      [{ soDinhDanh: '026185000704', receivingUnit: 'H62' }, 'transfer.bad_unit'],
      [{ soDinhDanh: '026185000704', receivingUnit: '000.99.99.H62' }, 'transfer.unit_unknown'],
      [{ soDinhDanh: '026185000704', receivingUnit: CLOSED_UNIT }, 'transfer.unit_closed'],
      [{ soDinhDanh: '026185000704', receivingUnit: UNIT, decision: { ngayHieuLuc: '2026-02-30' } }, 'transfer.bad_decision'],
    ];
    for (const [request, code] of cases) {
      const err = await refusal(w.service.pull(request as any, CLI));
      expect([err.code, err.status], code).to.deep.equal([code, 400]);
    }
    const closed = await refusal(w.service.pull({ soDinhDanh: '026185000704', receivingUnit: CLOSED_UNIT }, CLI));
    expect(closed.message).to.include('successor is 000.00.00.H62');
    expect(w.sim.sim.faults.snapshot().script.pull).to.have.length(1);
    expect(await w.staged()).to.deep.equal([]);
    expect(await w.transfers()).to.deep.equal([]);
    expect(w.audit.entries.map((e) => [e.outcome, e.code, e.people])).to.deep.equal([
      ['refused', 'transfer.bad_identity', []],
      ...cases.slice(1).map(([, code]) => ['refused', code, ['026185000704']]),
      ['refused', 'transfer.unit_closed', ['026185000704']],
    ]);
  });

  it('never answers a pull as done when its audit entry could not be written; a refusal stays a refusal', async function () {
    await w.hold(transferee(709));
    w.audit.failNext = true;
    const err = await w.service.pull({ soDinhDanh: '026185000709', receivingUnit: UNIT }, CLI).then(() => undefined, (e: unknown) => e);
    expect(String(err)).to.include('audit store unavailable');
    w.audit.failNext = true;
    expect((await refusal(w.service.pull({ soDinhDanh: '1', receivingUnit: UNIT }, CLI))).code).to.equal('transfer.bad_identity');
  });

  describe('national failures: distinct codes, nothing staged', function () {
    const scripted = async (answer: any, code: string, status: number) => {
      w.sim.sim.faults.apply({ script: { pull: [answer] } });
      const err = await refusal(w.service.pull({ soDinhDanh: '026185000705', receivingUnit: UNIT }, CLI));
      expect([err.code, err.status]).to.deep.equal([code, status]);
      expect(await w.staged()).to.deep.equal([]);
      const [tracked] = await w.transfers();
      expect([tracked.status, tracked.error_code]).to.deep.equal(['failed', code]);
      expect(w.audit.entries.at(-1)).to.deep.include({ outcome: status < 500 ? 'refused' : 'error', code });
      return err;
    };
    const signedBy = (identity: any, data: any = transferee(705)) =>
      buildEnvelope('json', encodePayload('record', 'json', data), createCmsSigner(identity));

    it('404: the national side holds no record', async function () {
      const err = await refusal(w.service.pull({ soDinhDanh: '026185000799', receivingUnit: UNIT }, CLI));
      expect([err.code, err.status]).to.deep.equal(['transfer.not_found', 404]);
      expect(await w.staged()).to.deep.equal([]);
      expect((await w.transfers())[0].status).to.equal('failed');
    });

    it('403 PURPOSE_NOT_ALLOWED', async function () {
      const err = await scripted({ status: 403, body: { code: 'PURPOSE_NOT_ALLOWED', message: 'no' } }, 'transfer.national_refused', 502);
      expect(err.message).to.include('PURPOSE_NOT_ALLOWED');
    });

    it('a record signed by a CA nobody trusts', async function () {
      const ca = makeCa('Rogue Root CA', 11);
      const rogue = identityOf(makeLeaf(ca, { ou: MINISTRY, keyIndex: 12 }));
      await scripted({ status: 200, body: signedBy(rogue) }, 'transfer.untrusted_ca', 502);
    });

    it('a record signed by another agency (the province itself, under the trusted CA)', async function () {
      await scripted({ status: 200, body: signedBy(w.sim.pki.province) }, 'transfer.wrong_signer', 502);
    });

    it('a tampered payload', async function () {
      const envelope = signedBy(w.sim.pki.ministry);
      const payload = Buffer.from(envelope.payload, 'base64').toString('utf8').replace('Nguyễn', 'Nguyen');
      await scripted({ status: 200, body: { ...envelope, payload: Buffer.from(payload).toString('base64') } }, 'transfer.tampered', 502);
    });

    it('a record of another person, signed by the Ministry', async function () {
      await scripted({ status: 200, body: signedBy(w.sim.pki.ministry, transferee(706)) }, 'transfer.wrong_record', 502);
    });

    it('a timeout', async function () {
      await scripted({ status: 200, delayMs: 2000, body: {} }, 'transfer.timeout', 504);
    });
  });

  it('shows a staged row the vendor took in as taken_in, one it refused as declined, and lists the overdue', async function () {
    await w.hold(transferee(707));
    await w.hold(transferee(708));
    const a = await w.service.pull({ soDinhDanh: '026185000707', receivingUnit: UNIT, decision: { ngayHieuLuc: '2026-02-09' } }, CLI);
    await w.service.pull({ soDinhDanh: '026185000708', receivingUnit: UNIT, decision: { ngayHieuLuc: '2026-02-09' } }, CLI);
    today = '2026-03-02';
    expect(await w.service.list({ overdue: true }, CLI)).to.deep.equal([]);
    today = '2026-03-03';
    const overdue = await w.service.list({ overdue: true }, CLI);
    expect(overdue.map((t) => [t.soDinhDanh, t.overdue, t.workingDaysLeft])).to.deep.equal([['026185000708', true, -1], ['026185000707', true, -1]]);
    expect(await w.service.overdue()).to.have.length(2);
    await w.source.db.query(`UPDATE qlcb.tiep_nhan_chuyen_den SET trang_thai = 'DA_TIEP_NHAN' WHERE id = $1`, [a.staged.id]);
    await w.source.db.query(`UPDATE qlcb.tiep_nhan_chuyen_den SET trang_thai = 'TU_CHOI' WHERE so_cccd = '026185000708'`);
    const all = await w.service.list({}, CLI);
    expect(all.map((t) => [t.soDinhDanh, t.status, t.overdue])).to.deep.equal([['026185000708', 'declined', false], ['026185000707', 'taken_in', false]]);
    expect(await w.service.list({ overdue: true }, CLI)).to.deep.equal([]);
    expect(w.audit.entries.at(-2)).to.deep.include({ action: 'transfer.list', outcome: 'ok', people: ['026185000708', '026185000707'] });
    // Taken in: a new pull is a new transfer and a new row.
    today = '2026-02-09';
    await w.service.pull({ soDinhDanh: '026185000707', receivingUnit: UNIT }, CLI);
    expect((await w.staged()).filter((r) => r.so_cccd === '026185000707')).to.have.length(2);
    expect((await w.transfers()).filter((r) => r.so_dinh_danh === '026185000707').map((r) => r.status)).to.deep.equal(['taken_in', 'staged']);
  });
});
