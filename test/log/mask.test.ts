import { expect } from 'chai';
import { maskDigits, maskPersonalData, maskText } from '../../src/log/mask.js';

// Luật 91/2025/QH15 and issue 2: personal numbers never appear in full; the last 3 digits stay.
describe('log: personal-number mask', function () {
  describe('in free text', function () {
    it('masks a 12-digit CCCD number', function () {
      expect(maskText('CCCD 001089012345 đã đồng bộ')).to.equal('CCCD *********345 đã đồng bộ');
    });

    it('masks a number percent-encoded in a URL as the router decodes it, whole or in part', function () {
      expect(maskText('/share/v1/officials/%30%30%31%30%38%39%30%31%32%33%34%35')).to.equal('/share/v1/officials/*********345');
      expect(maskText('/share/v1/officials/0010%3890%312345 gave 404')).to.equal('/share/v1/officials/*********345 gave 404');
      expect(maskText('/api/ops/people/%3001089012345/access')).to.equal('/api/ops/people/*********345/access');
    });

    it('masks a 9-digit CMND number', function () {
      expect(maskText('CMND: 012345678.')).to.equal('CMND: ******678.');
    });

    it('masks a 10-digit BHXH number', function () {
      expect(maskText('BHXH 7912345678, kỳ 05')).to.equal('BHXH *******678, kỳ 05');
    });

    it('masks a dotted mobile number', function () {
      expect(maskText('gọi 0912.345.678 nhé')).to.equal('gọi *******678 nhé');
    });

    it('masks an international mobile number with spaces', function () {
      expect(maskText('phone +84 912 345 678')).to.equal('phone ********678');
    });

    it('masks every number in a line', function () {
      expect(maskText('001089012345/0912345678')).to.equal('*********345/*******678');
    });

    it('leaves UUIDs whole, even one ending in 12 digits', function () {
      const line = 'packet 123e4567-e89b-12d3-a456-426614174000 and 3f2504e0-4f89-41d3-9a0c-0305e82c3301';
      expect(maskText(line)).to.equal(line);
    });

    it('leaves agency codes whole', function () {
      const line = 'sender 000.00.00.H62 to 000.00.00.G09';
      expect(maskText(line)).to.equal(line);
    });

    it('leaves ISO dates and timestamps whole', function () {
      const line = 'born 1989-03-15, sent 2026-07-01T08:30:00.123Z';
      expect(maskText(line)).to.equal(line);
    });

    it('leaves short numbers and words with digits whole', function () {
      const line = 'attempt 3 of 5, 500 records, ma_don_vi H62001234567X';
      expect(maskText(line)).to.equal(line);
    });
  });

  describe('maskDigits', function () {
    it('keeps only the last 3 digits', function () {
      expect(maskDigits('001089012345')).to.equal('*********345');
    });

    it('hides a number of 3 digits or fewer entirely', function () {
      expect(maskDigits('123')).to.equal('***');
    });
  });

  describe('in structured meta', function () {
    it('masks the values of sensitive keys whatever their shape', function () {
      const masked = maskPersonalData({
        soDinhDanh: '001089012345',
        so_cccd: '001089012345',
        so_cmnd: 12345678,
        soBhxh: '79-1234-5678',
        so_dien_thoai: '0912.345.678',
        phone: '+84 912 345 678',
      });
      expect(masked).to.deep.equal({
        soDinhDanh: '*********345',
        so_cccd: '*********345',
        so_cmnd: '*****678',
        soBhxh: '*******678',
        so_dien_thoai: '*******678',
        phone: '********678',
      });
    });

    it('masks numbers inside other strings, nested objects and arrays', function () {
      const masked = maskPersonalData({
        note: 'CCCD 001089012345',
        people: [{ so_cccd: '036190001234', hoTen: 'Nguyễn Thị Hoà' }],
      });
      expect(masked).to.deep.equal({
        note: 'CCCD *********345',
        people: [{ so_cccd: '*********234', hoTen: 'Nguyễn Thị Hoà' }],
      });
    });

    it('leaves ids, agency codes, dates and counts alone', function () {
      const meta = {
        packetId: '123e4567-e89b-12d3-a456-426614174000',
        senderCode: '000.00.00.H62',
        ngaySinh: '1989-03-15',
        records: 500,
        ok: true,
        missing: null,
      };
      expect(maskPersonalData(meta)).to.deep.equal(meta);
    });

    it('masks an error message and keeps its name', function () {
      const masked = maskPersonalData({ error: new TypeError('bad CCCD 001089012345') });
      expect(masked).to.deep.equal({ error: { name: 'TypeError', message: 'bad CCCD *********345' } });
    });

    it('does not change its input and cuts cycles', function () {
      const input: Record<string, unknown> = { so_cccd: '001089012345' };
      input.self = input;
      const masked = maskPersonalData(input) as Record<string, unknown>;
      expect(input.so_cccd).to.equal('001089012345');
      expect(masked.so_cccd).to.equal('*********345');
      expect(masked.self).to.equal('[circular]');
    });
  });
});

describe('maskText: numbers in other shapes', () => {
  it('masks a CCCD inside a file name or after a hyphen', () => {
    expect(maskText('wrote hs_001089012345.xml')).to.equal('wrote hs_*********345.xml');
    expect(maskText('person-001089012345')).to.equal('person-*********345');
  });
  it('masks a CCCD written in groups, showing only the last 3 digits', () => {
    expect(maskText('so 001 089 012 345 ok')).to.equal('so *********345 ok');
  });
  it('masks runs longer than 12 digits', () => {
    expect(maskText('id 1234567890123')).to.equal('id **********123');
  });
  it('leaves dates, times and short numbers alone', () => {
    expect(maskText('at 2026-10-21T09:11:00+07:00, 500 records, 8388608 bytes')).to.equal(
      'at 2026-10-21T09:11:00+07:00, 500 records, 8388608 bytes',
    );
  });
});
