import { expect } from 'chai';
import { parseVendorDate, toVendorDate } from '../../src/mapping/date-transforms.js';
import { codeKey, normaliseName, normalisePhone, normaliseText } from '../../src/mapping/text-transforms.js';

describe('mapping transforms: text, names, phones', function () {
  it('normalises text to NFC with single spaces', function () {
    const nfd = 'Nguyễn'.normalize('NFD');
    expect(normaliseText(`  ${nfd}   Thị\tHà `)).to.equal('Nguyễn Thị Hà');
    expect(normaliseText(`${nfd}`).length).to.equal('Nguyễn'.normalize('NFC').length);
    expect(normaliseText('   ')).to.equal('');
  });

  it('proper-cases names stored in capitals, keeping diacritics exact', function () {
    expect(normaliseName('TRẦN  VĂN   BÌNH')).to.equal('Trần Văn Bình');
    expect(normaliseName('ĐỖ THỊ ÁNH')).to.equal('Đỗ Thị Ánh');
    expect(normaliseName('LÊ THỊ HỒNG NHUNG'.normalize('NFD'))).to.equal('Lê Thị Hồng Nhung');
  });

  it('keeps mixed-case names as typed', function () {
    expect(normaliseName('Kim Thị Sóc Pha')).to.equal('Kim Thị Sóc Pha');
    expect(normaliseName('Lò văn Khánh')).to.equal('Lò văn Khánh');
  });

  it('folds case, spacing and hyphens, but not diacritics, in code keys', function () {
    expect(codeKey('Gia Rai')).to.equal(codeKey('Gia-rai'));
    expect(codeKey(' Ê  Đê ')).to.equal(codeKey('Ê-đê'));
    expect(codeKey('Giẻ-Triêng')).to.not.equal(codeKey('Gié-Triêng'));
    expect(codeKey('Mông')).to.not.equal(codeKey('Mộng'));
  });

  it('writes phone numbers as 0xxxxxxxxx', function () {
    expect(normalisePhone('0912.345.678')).to.equal('0912345678');
    expect(normalisePhone('+84 983 111 222')).to.equal('0983111222');
    expect(normalisePhone('84983111222')).to.equal('0983111222');
    expect(normalisePhone('0084-983-111-222')).to.equal('0983111222');
    expect(normalisePhone('0912 345 678')).to.equal('0912345678');
    expect(normalisePhone('12345')).to.equal(undefined);
    expect(normalisePhone('091234567')).to.equal(undefined);
  });
});

describe('mapping transforms: vendor dates', function () {
  it('turns dd/mm/yyyy with 00 parts into full or partial ISO dates', function () {
    expect(parseVendorDate('14/03/1985')).to.equal('1985-03-14');
    expect(parseVendorDate('00/05/1990')).to.equal('1990-05');
    expect(parseVendorDate('00/00/1988')).to.equal('1988');
    expect(parseVendorDate('1/2/1990')).to.equal('1990-02-01');
  });

  it('reads mm/yyyy and yyyy periods, and ISO date columns', function () {
    expect(parseVendorDate('09/2009')).to.equal('2009-09');
    expect(parseVendorDate('00/2009')).to.equal('2009');
    expect(parseVendorDate('2001')).to.equal('2001');
    expect(parseVendorDate('2015-06-01')).to.equal('2015-06-01');
  });

  it('refuses what is not a date', function () {
    for (const bad of ['31/02/1990', '13/1990', '05/00/1990', 'abc', '', '12/12/99', '2015-13-01']) {
      expect(parseVendorDate(bad), bad).to.equal(undefined);
    }
  });

  it('knows the length of every month, leap years included', function () {
    expect(parseVendorDate('29/02/2024')).to.equal('2024-02-29');
    expect(parseVendorDate('29/02/2000')).to.equal('2000-02-29');
    expect(parseVendorDate('31/12/1999')).to.equal('1999-12-31');
    expect(parseVendorDate('2023-04-30')).to.equal('2023-04-30');
    for (const bad of ['29/02/2023', '29/02/1900', '30/02/2024', '31/04/2020', '31/06/2020', '31/09/2020', '31/11/2020', '32/01/2020']) {
      expect(parseVendorDate(bad), bad).to.equal(undefined);
    }
  });

  it('applies a precision: month for periods, day for full dates', function () {
    expect(parseVendorDate('15/09/2009', 'month')).to.equal('2009-09');
    expect(parseVendorDate('2009', 'month')).to.equal('2009');
    expect(parseVendorDate('00/05/1990', 'day')).to.equal(undefined);
    expect(parseVendorDate('2020-01-15', 'day')).to.equal('2020-01-15');
  });

  it('writes ISO dates back in the vendor styles', function () {
    expect(toVendorDate('1985-03-14', 'dmy')).to.equal('14/03/1985');
    expect(toVendorDate('1990-05', 'dmy')).to.equal('00/05/1990');
    expect(toVendorDate('1988', 'dmy')).to.equal('00/00/1988');
    expect(toVendorDate('2009-09', 'my')).to.equal('09/2009');
    expect(toVendorDate('2001', 'my')).to.equal('2001');
    expect(toVendorDate('2015-06-01', 'iso')).to.equal('2015-06-01');
    expect(toVendorDate('14/03/1985', 'dmy')).to.equal(undefined);
  });
});

describe('mapping transforms: the NFC fast path', function () {
  it('gives what String.normalize gives, for NFD, precomposed and mixed text', async function () {
    const { nfc } = await import('../../src/mapping/text-transforms.js');
    const samples = ['Nguyễn Thị Thu Hà', 'ĐẶNG VĂN ƯỚC', 'Ê-đê', 'Å Ω', '\u212b\u2126 \u0958', 'abc', ''];
    for (const s of samples) {
      for (const form of [s, s.normalize('NFD'), s.normalize('NFKD')]) expect(nfc(form), JSON.stringify(form)).to.equal(form.normalize('NFC'));
    }
  });
});
