import { expect } from 'chai';
import { nationalContract } from '../../src/contract/national-contract.js';
import { BIRTH_PROVINCES } from '../../src/demo/birth-provinces.js';
import { cccdNumber, cmndNumber } from '../../src/demo/identity.js';
import { RankCatalogue, salaryFor } from '../../src/demo/rank-catalogue.js';
import { SeededRandom } from '../../src/demo/seeded-random.js';
import { MAX_BASE_UNITS, planUnits } from '../../src/demo/unit-plan.js';

// Expectations written by hand from the contract: CCCD digits (README "What the national side
// checks"), the salary table of codes/bang-luong.json, the agency-code pattern.
describe('demo data: pure parts', function () {
  it('writes CCCD numbers whose digits say province, sex, century and birth year', function () {
    expect(cccdNumber(BIRTH_PROVINCES.vinhPhuc, 0, 1985, 101).slice(0, 6)).to.equal('026185');
    expect(cccdNumber(BIRTH_PROVINCES.vinhPhuc, 1, 1979, 101).slice(0, 6)).to.equal('026079');
    expect(cccdNumber(BIRTH_PROVINCES.sonLa, 1, 2001, 101).slice(0, 6)).to.equal('014201');
    expect(cccdNumber(BIRTH_PROVINCES.haTay, 0, 2002, 101).slice(0, 6)).to.equal('001302');
    expect(cccdNumber(BIRTH_PROVINCES.hue, 0, 1990, 5)).to.match(/^046190\d{6}$/);
    expect(cmndNumber(101)).to.match(/^\d{9}$/);
  });

  it('never gives two people the same CCCD serial', function () {
    const seen = new Set<string>();
    for (let id = 101; id < 200_101; id++) seen.add(cccdNumber(BIRTH_PROVINCES.vinhPhuc, 1, 1980, id));
    expect(seen.size).to.equal(200_000);
  });

  it('prices a rank from the salary table of its group', function () {
    const ranks = new RankCatalogue(nationalContract());
    const chuyenVien = ranks.get('01.003'); // A1: 2.34, 2.67, 3.0 ... 4.98 (9 bậc)
    expect(salaryFor(chuyenVien, 0)).to.deep.equal({ bac: 1, heSo: 2.34, vuotKhung: null });
    expect(salaryFor(chuyenVien, 7)).to.deep.equal({ bac: 3, heSo: 3.0, vuotKhung: null });
    expect(salaryFor(chuyenVien, 26)).to.deep.equal({ bac: 9, heSo: 4.98, vuotKhung: null });
    expect(salaryFor(chuyenVien, 30)).to.deep.equal({ bac: 9, heSo: 4.98, vuotKhung: 8 });
    const nhanVien = ranks.get('01.005'); // C1, a step every 2 years: bậc 4 is 2.19
    expect(salaryFor(nhanVien, 6)).to.deep.equal({ bac: 4, heSo: 2.19, vuotKhung: null });
    // 15.114 is priced as V.07.03.29 (A1), as sample.sql's person 8 (bậc 2, 2.67) shows.
    expect(salaryFor(ranks.get('15.114'), 3)).to.deep.equal({ bac: 2, heSo: 2.67, vuotKhung: null });
    // TT 02/2021/TT-BGDĐT: the 2015 hạng III (V.07.03.08) is now V.07.03.29 (A1), the 2015
    // hạng II (V.07.03.07) V.07.03.28 (A2.2).
    expect(ranks.get('V.07.03.08').nhomLuong).to.equal('A1');
    expect(ranks.get('V.07.03.07').nhomLuong).to.equal('A2.2');
  });

  it('plans units with valid, unique agency codes and successors that exist', function () {
    const plan = planUnits(MAX_BASE_UNITS);
    const codes = plan.map((u) => u.code).filter((c): c is string => c !== null);
    for (const c of codes) expect(c).to.match(/^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.H62$/);
    expect(new Set(codes).size).to.equal(codes.length);
    const keys = new Map(plan.map((u) => [u.key, u]));
    for (const u of plan) {
      if (u.parentKey !== null) expect(keys.get(u.parentKey)?.cap).to.be.lessThan(u.cap);
      if (!u.active) expect(keys.get(u.successorKey ?? '')?.active, u.name).to.equal(true);
      if (u.code === null) expect(u.active).to.equal(false);
    }
    expect(plan.filter((u) => u.code === null).length).to.be.greaterThan(0);
  });

  it('draws the same numbers for the same seed and stream, and others otherwise', function () {
    const draw = (seed: number, stream: number) => {
      const rng = new SeededRandom(seed, stream);
      return Array.from({ length: 5 }, () => rng.digits(8));
    };
    expect(draw(1, 7)).to.deep.equal(draw(1, 7));
    expect(draw(1, 7)[0]).to.not.equal(draw(1, 8)[0]);
    expect(draw(1, 7)[0]).to.not.equal(draw(2, 7)[0]);
  });
});
