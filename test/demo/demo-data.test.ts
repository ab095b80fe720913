import { expect } from 'chai';
import { codeList, nationalContract } from '../../src/contract/national-contract.js';
import type { Db } from '../../src/db/db.js';
import { generatePeople, type GenerationSummary } from '../../src/demo/generate-people.js';
import { installProvincialSchema } from '../../src/demo/provincial-schema.js';
import { BACKENDS, freshDatabase, type TestDatabase } from '../setup/databases.js';

// Hand-written from the contract and the CCCD scheme: which CCCD province codes a province
// name typed in noi_sinh_tinh allows (pre-2025 codes; a current name allows every province it
// absorbed; Hà Tây people were registered under Hà Nội, 001).
const CCCD_PREFIXES: Record<string, string[]> = {
  'Vĩnh Phúc': ['026'], 'Phú Thọ': ['025', '026', '017'], 'Hòa Bình': ['017'], 'Hà Nội': ['001'], 'Hà Tây': ['001'],
  'Thái Nguyên': ['019', '006'], 'Bắc Kạn': ['006'], 'Tuyên Quang': ['008', '002'], 'Hà Giang': ['002'],
  'Bắc Ninh': ['027', '024'], 'Bắc Giang': ['024'], 'Yên Bái': ['015'], 'Lào Cai': ['010', '015'], 'Sơn La': ['014'],
  'Điện Biên': ['011'], 'Cao Bằng': ['004'], 'Lạng Sơn': ['020'], 'Nam Định': ['036'], 'Ninh Bình': ['036', '037', '035'],
  'Thái Bình': ['034'], 'Hưng Yên': ['033', '034'], 'Hải Dương': ['030'], 'Hải Phòng': ['030', '031'],
  'Thanh Hóa': ['038'], 'Nghệ An': ['040'], 'Hà Tĩnh': ['042'], 'Thừa Thiên Huế': ['046'], 'Huế': ['046'],
  'Hồ Chí Minh': ['079', '074', '077'], 'TP HCM': ['079'], 'Sóc Trăng': ['094'], 'Cần Thơ': ['092', '093', '094'],
  'Trà Vinh': ['084'], 'Vĩnh Long': ['086', '083', '084'], 'Đắk Lắk': ['066', '054'],
};
const OLD_PROVINCE_NAMES = ['Vĩnh Phúc', 'Hà Tây', 'Yên Bái', 'Thừa Thiên Huế', 'Hòa Bình', 'Bắc Kạn', 'Hà Giang',
  'Bắc Giang', 'Nam Định', 'Thái Bình', 'Hải Dương', 'Sóc Trăng', 'Trà Vinh'];
const SUPERSEDED_TO_CURRENT: Record<string, string> = { '15.114': 'V.07.03.29', 'V.07.03.08': 'V.07.03.29', 'V.07.03.07': 'V.07.03.28' };

interface Person {
  id: number; ho_ten: string; ngay_sinh: string; gioi_tinh: number; so_cccd: string; noi_sinh_tinh: string;
  que_quan_tinh: string; loai_can_bo: string; ma_ngach: string | null; bac_luong: number | null; he_so_luong: string | null;
  trang_thai: string; ngay_nghi: string | null; dien_thoai: string | null; ton_giao: string | null;
  trinh_do_chuyen_mon: string; trinh_do_pho_thong: string; ly_luan_chinh_tri: string | null; quan_ly_nha_nuoc: string | null;
  unit_active: boolean; contracts: number;
}

async function generatedPeople(db: Db): Promise<Person[]> {
  const res = await db.query<Person>(
    `SELECT c.id, c.ho_ten, c.ngay_sinh, c.gioi_tinh, c.so_cccd, c.noi_sinh_tinh, c.que_quan_tinh, c.loai_can_bo,
            n.ma_ngach, c.bac_luong, c.he_so_luong::text, c.trang_thai, c.ngay_nghi::text, c.dien_thoai, c.ton_giao,
            c.trinh_do_chuyen_mon, c.trinh_do_pho_thong, c.ly_luan_chinh_tri, c.quan_ly_nha_nuoc,
            u.con_hoat_dong AS unit_active, (SELECT count(*)::int FROM qlcb.hop_dong h WHERE h.can_bo_id = c.id) AS contracts
       FROM qlcb.can_bo c JOIN qlcb.dm_don_vi u ON u.id = c.don_vi_id LEFT JOIN qlcb.dm_ngach n ON n.id = c.ngach_id
      WHERE c.id > 100 ORDER BY c.id`,
  );
  return res.rows;
}

/** Every generated row (not the sample's), as text lines, for comparing two runs. */
async function dump(db: Db): Promise<string[]> {
  const lines: string[] = [];
  for (const t of ['can_bo', 'dm_don_vi', 'dm_ngach']) {
    const res = await db.query(`SELECT to_jsonb(t)::text AS j FROM qlcb.${t} t WHERE id > 100 ORDER BY id`);
    lines.push(...res.rows.map((r) => String(r.j)));
  }
  for (const t of ['qua_trinh_cong_tac', 'dao_tao', 'ngoai_ngu', 'khen_thuong', 'ky_luat', 'danh_gia', 'quan_he_gia_dinh', 'hop_dong', 'phe_duyet']) {
    const res = await db.query(`SELECT to_jsonb(t)::text AS j FROM qlcb.${t} t WHERE can_bo_id > 100 ORDER BY id`);
    lines.push(...res.rows.map((r) => String(r.j)));
  }
  return lines;
}

function firstDifference(a: string[], b: string[]): string | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i}:\n  ${a[i]}\n  ${b[i]}`;
  }
  return undefined;
}

for (const backend of BACKENDS) {
  describe(`demo data: ${backend}`, function () {
    this.timeout(240_000);
    const concurrency = backend === 'pglite' ? 1 : 2;
    let t: TestDatabase;
    let summary: GenerationSummary;
    let people: Person[];

    before(async function () {
      t = await freshDatabase(backend);
      expect(await installProvincialSchema(t.db, { sample: true })).to.deep.equal({ schemaCreated: true, sampleLoaded: true });
      const done: number[] = [];
      summary = await generatePeople(t.db, { people: 2000, seed: 7, concurrency, chunkSize: 700, onProgress: (n) => done.push(n) });
      // Chunks of 700 written in any order: the count only grows, to every person.
      expect(done.length).to.equal(3);
      expect(done.at(-1)).to.equal(2000);
      expect([...done].sort((a, b) => a - b)).to.deep.equal(done);
      people = await generatedPeople(t.db);
    });
    after(async function () {
      await t?.drop();
    });

    it('installs the vendor schema and the sample once', async function () {
      expect(await installProvincialSchema(t.db, { sample: true })).to.deep.equal({ schemaCreated: false, sampleLoaded: false });
      const sample = await t.db.query(`SELECT count(*)::int AS n FROM qlcb.can_bo WHERE id <= 100`);
      expect(sample.rows[0]?.n).to.equal(12);
    });

    it('writes the people it reports, beside the sample', function () {
      expect(summary.people).to.equal(2000);
      expect(people).to.have.length(2000);
      expect(summary.rows.can_bo).to.equal(2000);
    });

    it('gives non-CMND people a CCCD whose digits agree with sex, birth year and birthplace', function () {
      const cmnd = people.filter((p) => p.so_cccd.length === 9);
      expect(cmnd.length).to.be.greaterThan(0);
      expect([...summary.intentionallyInvalid.keys()].sort((a, b) => a - b)).to.deep.equal(cmnd.map((p) => p.id));
      for (const p of people.filter((x) => x.so_cccd.length !== 9)) {
        const year = Number(p.ngay_sinh.slice(-4));
        const sexDigit = (year >= 2000 ? 2 : 0) + (p.gioi_tinh === 1 ? 0 : 1);
        expect(p.so_cccd, p.ngay_sinh).to.match(/^\d{12}$/);
        expect(p.so_cccd[3], `${p.id} sex/century`).to.equal(String(sexDigit));
        expect(p.so_cccd.slice(4, 6), `${p.id} year`).to.equal(String(year % 100).padStart(2, '0'));
        expect(CCCD_PREFIXES[p.noi_sinh_tinh], `${p.id} ${p.noi_sinh_tinh}`).to.include(p.so_cccd.slice(0, 3));
      }
      expect(new Set(people.map((p) => p.so_cccd)).size).to.equal(people.length);
    });

    it('gives every ranked person a bậc and hệ số of the national salary table', function () {
      const contract = nationalContract();
      const table = codeList(contract, 'bang-luong');
      const groups = new Map<string, string>();
      for (const list of ['ngach', 'chuc-danh-nghe-nghiep']) {
        for (const item of codeList(contract, list).items) groups.set(item.ma, item.nhomLuong ?? '');
      }
      let ranked = 0;
      for (const p of people) {
        if (p.loai_can_bo === 'HD') {
          expect(p.ma_ngach, `${p.id}`).to.equal(null);
          continue;
        }
        ranked++;
        const code = p.ma_ngach ?? '';
        const group = groups.get(SUPERSEDED_TO_CURRENT[code] ?? code);
        const heSo = table.byCode.get(group ?? '')?.heSo ?? [];
        expect(p.bac_luong, `${p.id} ${code}`).to.be.within(1, heSo.length);
        expect(Number(p.he_so_luong), `${p.id} ${code}`).to.equal(heSo[(p.bac_luong ?? 0) - 1]);
        const loai = code.startsWith('V.') || code.startsWith('15.') ? 'VC' : 'CC';
        expect(p.loai_can_bo === 'VC' ? 'VC' : 'CC', `${p.id} ${code}`).to.equal(loai);
      }
      expect(ranked).to.be.greaterThan(1500);
    });

    it('gives contracts exactly to HD staff and a leaving date exactly to archived people', function () {
      for (const p of people) {
        expect(p.contracts > 0, `${p.id}`).to.equal(p.loai_can_bo === 'HD');
        expect(p.ngay_nghi !== null, `${p.id}`).to.equal(p.trang_thai !== 'DANG_LAM');
      }
      for (const status of ['NGHI_HUU', 'THOI_VIEC', 'CHUYEN_DI', 'TU_TRAN', 'DANG_LAM']) {
        expect(people.some((p) => p.trang_thai === status), status).to.equal(true);
      }
    });

    it('leaves people in all three approval states, some after several rounds', async function () {
      const res = await t.db.query<{ state: string; n: number }>(
        `SELECT d.trang_thai AS state, count(*)::int AS n FROM qlcb.phe_duyet d
          WHERE d.can_bo_id > 100 AND d.id = (SELECT max(id) FROM qlcb.phe_duyet x WHERE x.can_bo_id = d.can_bo_id)
          GROUP BY d.trang_thai`,
      );
      const states = Object.fromEntries(res.rows.map((r) => [r.state, r.n]));
      expect(states.DA_DUYET).to.equal(summary.approved);
      expect(summary.approved / 2000).to.be.within(0.75, 0.85);
      expect(states.CHO_DUYET).to.be.greaterThan(0);
      expect(states.TU_CHOI).to.be.greaterThan(0);
      const rounds = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT can_bo_id FROM qlcb.phe_duyet WHERE can_bo_id > 100
          GROUP BY can_bo_id HAVING count(*) FILTER (WHERE trang_thai = 'CHO_DUYET') > 1) x`,
      );
      expect(rounds.rows[0]?.n).to.be.greaterThan(0);
    });

    it('writes rows in every history table', async function () {
      for (const table of ['qua_trinh_cong_tac', 'dao_tao', 'ngoai_ngu', 'khen_thuong', 'ky_luat', 'danh_gia', 'quan_he_gia_dinh', 'hop_dong', 'phe_duyet']) {
        const res = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM qlcb.${table} WHERE can_bo_id > 100`);
        expect(res.rows[0]?.n, table).to.be.greaterThan(0);
        expect(summary.rows[table], table).to.equal(res.rows[0]?.n);
      }
    });

    it('builds a unit tree with agency codes, closed units pointing to open successors', async function () {
      const res = await t.db.query<{ id: number; ma_dinh_danh: string | null; cap: number; con_hoat_dong: boolean; parent_cap: number | null; successor_active: boolean | null }>(
        `SELECT u.id, u.ma_dinh_danh, u.cap, u.con_hoat_dong, p.cap AS parent_cap, s.con_hoat_dong AS successor_active
           FROM qlcb.dm_don_vi u LEFT JOIN qlcb.dm_don_vi p ON p.id = u.don_vi_cha_id LEFT JOIN qlcb.dm_don_vi s ON s.id = u.thay_the_boi_id
          WHERE u.id > 100`,
      );
      expect(res.rows.length).to.be.greaterThan(50);
      for (const u of res.rows) {
        if (u.ma_dinh_danh !== null) expect(u.ma_dinh_danh).to.match(/^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.H62$/);
        else expect(u.con_hoat_dong).to.equal(false);
        expect(u.parent_cap, `${u.id}`).to.be.lessThan(u.cap);
        if (!u.con_hoat_dong) expect(u.successor_active, `${u.id}`).to.equal(true);
      }
    });

    it('shows every quirk of schema.sql at least once in 2,000 people', async function () {
      const periods = await t.db.query<{ p: string }>(
        `SELECT tu_ngay AS p FROM qlcb.qua_trinh_cong_tac WHERE can_bo_id > 100 UNION ALL SELECT den_ngay FROM qlcb.qua_trinh_cong_tac WHERE can_bo_id > 100
         UNION ALL SELECT tu_ngay FROM qlcb.dao_tao WHERE can_bo_id > 100`,
      );
      const assessments = await t.db.query<{ x: string }>(`SELECT xep_loai AS x FROM qlcb.danh_gia WHERE can_bo_id > 100`);
      const some = (f: (p: Person) => boolean) => people.some(f);
      const seen: Record<string, boolean> = {
        birth_day_unknown: some((p) => /^00\/(0[1-9]|1[0-2])\/\d{4}$/.test(p.ngay_sinh)),
        birth_month_unknown: some((p) => /^00\/00\/\d{4}$/.test(p.ngay_sinh)),
        period_year_only: periods.rows.some((r) => /^\d{4}$/.test(r.p ?? '')),
        period_unknown_month: periods.rows.some((r) => /^00\/\d{4}$/.test(r.p ?? '')),
        name_nfd: some((p) => p.ho_ten !== p.ho_ten.normalize('NFC')),
        name_upper: some((p) => p.ho_ten === p.ho_ten.toUpperCase() && p.ho_ten !== p.ho_ten.toLowerCase()),
        name_double_space: some((p) => p.ho_ten.includes('  ')),
        phone_international: some((p) => (p.dien_thoai ?? '').startsWith('+84 ')),
        phone_dotted: some((p) => /^0\d{3}\.\d{3}\.\d{3}$/.test(p.dien_thoai ?? '')),
        phone_spaced: some((p) => /^0\d{3} \d{3} \d{3}$/.test(p.dien_thoai ?? '')),
        qualification_free_text: some((p) => ['Thạc sỹ', 'ĐH', 'Cử nhân'].includes(p.trinh_do_chuyen_mon)),
        general_education_short: some((p) => !p.trinh_do_pho_thong.includes('/')),
        empty_free_text: some((p) => p.ly_luan_chinh_tri === '' || p.quan_ly_nha_nuoc === ''),
        religion_empty: some((p) => p.ton_giao === null) && some((p) => p.ton_giao === ''),
        religion_short: some((p) => p.ton_giao === 'Phật'),
        assessment_abbreviation: assessments.rows.some((r) => r.x === 'HTXSNV' || r.x === 'HTTNV' || r.x === 'HTNV'),
        spelling_variant: some((p) => ['Trung cấp LLCT', 'Cao cấp LLCT', 'Cử nhân chính trị', 'Sơ cấp LLCT', 'TC LLCT', 'Trung cấp chính trị', 'Sơ cấp chính trị'].includes(p.ly_luan_chinh_tri ?? ''))
          && some((p) => ['CVC', 'CV', 'Chuyên viên QLNN', 'Chuyên viên chính QLNN', 'QLNN ngạch chuyên viên'].includes(p.quan_ly_nha_nuoc ?? ''))
          && assessments.rows.some((r) => ['Xuất sắc', 'Tốt', 'Hoàn thành tốt NV', 'Hoàn thành NV', 'HTT'].includes(r.x)),
        old_province_name: OLD_PROVINCE_NAMES.filter((n) => some((p) => p.noi_sinh_tinh === n || p.que_quan_tinh === n)).length >= 8,
        province_abbreviation: some((p) => p.noi_sinh_tinh === 'TP HCM' || p.que_quan_tinh === 'TP HCM'),
        rank_superseded: some((p) => p.ma_ngach === '15.114') && some((p) => p.ma_ngach === 'V.07.03.08'),
        closed_unit: some((p) => !p.unit_active),
        cmnd_9_digits: some((p) => /^\d{9}$/.test(p.so_cccd)),
      };
      expect(Object.keys(seen).sort()).to.deep.equal(Object.keys(summary.byQuirk).sort());
      for (const [quirk, shown] of Object.entries(seen)) {
        expect(shown, quirk).to.equal(true);
        expect(summary.byQuirk[quirk], quirk).to.be.greaterThan(0);
      }
      expect(people.some((p) => p.noi_sinh_tinh === 'Hà Tây' || p.que_quan_tinh === 'Hà Tây'), 'Hà Tây').to.equal(true);
    });

    it('gives the same data for the same seed, and other data for another seed', async function () {
      const runs: string[][] = [];
      for (const seed of [11, 11, 12]) {
        const other = await freshDatabase(backend);
        try {
          await installProvincialSchema(other.db, { sample: true });
          await generatePeople(other.db, { people: 150, seed, concurrency, chunkSize: 40 });
          runs.push(await dump(other.db));
        } finally {
          await other.drop();
        }
      }
      const [first, again, other] = runs as [string[], string[], string[]];
      expect(first.length).to.be.greaterThan(1000);
      expect(firstDifference(first, again)).to.equal(undefined);
      expect(firstDifference(first, other)).to.not.equal(undefined);
    });

    it('refuses the sample on top of generated people, and people without the schema', async function () {
      const other = await freshDatabase(backend);
      try {
        await generatePeople(other.db, { people: 1 }).then(
          () => expect.fail('generated without the schema'),
          (err: { code?: string }) => expect(err.code).to.equal('demo.schema_missing'),
        );
        await installProvincialSchema(other.db, { sample: false });
        await generatePeople(other.db, { people: 20, concurrency });
        await installProvincialSchema(other.db, { sample: true }).then(
          () => expect.fail('loaded the sample over generated people'),
          (err: { code?: string }) => expect(err.code).to.equal('demo.sample_conflict'),
        );
      } finally {
        await other.drop();
      }
    });
  });
}
