import { expect } from 'chai';
import { GatewayError } from '../../src/errors.js';
import { decodePayload, encodePayload } from '../../src/encoding/payload-codec.js';
import { plainDecimal } from '../../src/encoding/xml-writer.js';
import { exampleBytes, exampleOfficial, examplePacket } from '../contract/contract-examples.js';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const NS = 'urn:csdl-cbccvc:v1';

function xml(body: string, root = 'hoSo'): Buffer {
  return Buffer.from(`${DECL}<${root} xmlns="${NS}">${body}</${root}>`, 'utf8');
}

function caught(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error('expected an error');
}

describe('encoding: payloads', function () {
  describe('the contract examples', function () {
    it('decodes examples/official.xml to exactly examples/official.json', function () {
      expect(decodePayload('record', 'xml', exampleBytes('official.xml'))).to.deep.equal(exampleOfficial());
    });

    it('round-trips the example record and packet in both formats', function () {
      for (const format of ['json', 'xml'] as const) {
        const record = exampleOfficial();
        expect(decodePayload('record', format, encodePayload('record', format, record))).to.deep.equal(record);
        const packet = examplePacket();
        expect(decodePayload('packet', format, encodePayload('packet', format, packet))).to.deep.equal(packet);
      }
    });

    it('round-trips every array of the record with none, one and several items', function () {
      const full = exampleOfficial();
      const arrays = Object.keys(full).filter((k) => Array.isArray(full[k]));
      expect(arrays).to.include.members(['ngoaiNgu', 'quaTrinhCongTac', 'danhGia', 'quanHeGiaDinh']);
      for (const name of arrays) {
        for (const length of [0, 1, 3]) {
          const record = exampleOfficial();
          const item = full[name][0];
          record[name] = Array.from({ length }, () => structuredClone(item));
          for (const format of ['json', 'xml'] as const) {
            expect(decodePayload('record', format, encodePayload('record', format, record)), `${name} x${length} ${format}`).to.deep.equal(record);
          }
        }
      }
    });

    it('encodes what it decoded to the same bytes', function () {
      const once = encodePayload('packet', 'xml', examplePacket());
      expect(encodePayload('packet', 'xml', decodePayload('packet', 'xml', once)).equals(once)).to.equal(true);
      const fromPretty = decodePayload('record', 'xml', exampleBytes('official.xml'));
      expect(encodePayload('record', 'xml', fromPretty).equals(encodePayload('record', 'xml', exampleOfficial()))).to.equal(true);
    });
  });

  describe('JSON', function () {
    it('is UTF-8 JSON.stringify without indentation', function () {
      const bytes = encodePayload('record', 'json', { hoTen: 'Hà', luong: { heSo: 3.66 } });
      expect(bytes.toString('utf8')).to.equal('{"hoTen":"Hà","luong":{"heSo":3.66}}');
    });

    it('refuses bytes that are not UTF-8 or not JSON', function () {
      expect(caught(() => decodePayload('record', 'json', Buffer.from('{"a":')))).to.include({ code: 'encoding.json_invalid', status: 400 });
      expect(caught(() => decodePayload('record', 'json', Buffer.from([0x7b, 0xff, 0x7d]))).code).to.equal('encoding.json_invalid');
    });
  });

  describe('XML, written', function () {
    it('follows the rules of xml-encoding.md', function () {
      const record = {
        soDinhDanh: '026185001234',
        gioiTinh: { ma: '2' },
        luong: { bac: 5, heSo: 3.66, phuCapChucVu: 0.3 },
        ngoaiNgu: [],
        khenThuong: [{ nam: 2022, hinhThuc: 'Bằng khen <tỉnh> & "Sở"' }],
      };
      const expected =
        `${DECL}<hoSo xmlns="${NS}"><soDinhDanh>026185001234</soDinhDanh><gioiTinh><ma>2</ma></gioiTinh>` +
        '<luong><bac>5</bac><heSo>3.66</heSo><phuCapChucVu>0.3</phuCapChucVu></luong><ngoaiNgu/>' +
        '<khenThuong><muc><nam>2022</nam><hinhThuc>Bằng khen &lt;tỉnh&gt; &amp; "Sở"</hinhThuc></muc></khenThuong></hoSo>';
      expect(encodePayload('record', 'xml', record).toString('utf8')).to.equal(expected);
    });

    it('writes the packet root and its records as muc items', function () {
      const packet = { header: { recordCount: 1 }, records: [{ operation: 'upsert' }] };
      expect(encodePayload('packet', 'xml', packet).toString('utf8')).to.equal(
        `${DECL}<goiTin xmlns="${NS}"><header><recordCount>1</recordCount></header><records><muc><operation>upsert</operation></muc></records></goiTin>`,
      );
    });

    it('writes numbers in plain decimal, never with exponents', function () {
      expect(plainDecimal(3.33)).to.equal('3.33');
      expect(plainDecimal(100)).to.equal('100');
      expect(plainDecimal(1e21)).to.equal('1000000000000000000000');
      expect(plainDecimal(1.5e-7)).to.equal('0.00000015');
      expect(plainDecimal(-2.5e22)).to.equal('-25000000000000000000000');
      expect(plainDecimal(-0)).to.equal('0');
    });

    it('refuses what it could not read back', function () {
      const unknown = caught(() => encodePayload('record', 'xml', { biDanh: 'x' }));
      expect(unknown.code).to.equal('encoding.unknown_element');
      expect(unknown.details).to.deep.equal([{ path: '/biDanh', message: "property 'biDanh' is not in the schema" }]);
      const wrongType = caught(() => encodePayload('record', 'xml', { luong: { heSo: '3.66' } }));
      expect(wrongType.code).to.equal('encoding.value_invalid');
      expect(wrongType.details[0]?.path).to.equal('/luong/heSo');
      expect(caught(() => encodePayload('record', 'xml', { luong: { bac: 1.5 } })).code).to.equal('encoding.value_invalid');
      expect(caught(() => encodePayload('record', 'xml', { luong: { heSo: Number.NaN } })).code).to.equal('encoding.value_invalid');
      expect(caught(() => encodePayload('record', 'xml', { ngoaiNgu: { ten: 'x' } })).code).to.equal('encoding.value_invalid');
      const control = caught(() => encodePayload('record', 'xml', { hoTen: 'A\u0001B' }));
      expect(control.code).to.equal('encoding.value_invalid');
      expect(control.details[0]?.path).to.equal('/hoTen');
    });

    it('keeps carriage returns, markup characters and astral characters through a round trip', function () {
      const record = { quanHeGiaDinh: [{ quanHe: 'Bố', hoTen: 'A', thongTin: ' dòng 1\r\ndòng 2 ]]> <b>&amp; 𠀀 ' }] };
      const bytes = encodePayload('record', 'xml', record);
      expect(decodePayload('record', 'xml', bytes)).to.deep.equal(record);
      // XML parsers turn a literal CR into LF (XML 1.0 §2.11); only a reference survives.
      expect(bytes.toString('utf8')).to.contain('dòng 1&#xD;\ndòng 2 ]]&gt; &lt;b&gt;&amp;amp;');
    });
  });

  describe('XML, read', function () {
    it('restores numbers and arrays from the schema', function () {
      const value = decodePayload('record', 'xml', xml('<luong><bac>5</bac><heSo>3.66</heSo></luong><danhGia><muc><nam>2024</nam></muc></danhGia><ngoaiNgu/>'));
      expect(value).to.deep.equal({ luong: { bac: 5, heSo: 3.66 }, danhGia: [{ nam: 2024 }], ngoaiNgu: [] });
    });

    it('leaves a number that is not plain decimal as text, for the schema check to report', function () {
      expect(decodePayload('record', 'xml', xml('<luong><heSo>3,66</heSo><bac>1e1</bac></luong>'))).to.deep.equal({
        luong: { heSo: '3,66', bac: '1e1' },
      });
    });

    it('trims white space except inside thongTin, chiTiet and lyDo', function () {
      const body =
        '<hoTen>\n  Nguyễn Văn An  </hoTen><soDinhDanh> 026185001234 </soDinhDanh>' +
        '<noiSinh><chiTiet>  Xã A </chiTiet></noiSinh>' +
        '<kyLuat><muc><nam> 2020 </nam><lyDo> x </lyDo></muc></kyLuat>' +
        '<quanHeGiaDinh><muc><thongTin>   </thongTin></muc></quanHeGiaDinh>';
      expect(decodePayload('record', 'xml', xml(body))).to.deep.equal({
        hoTen: 'Nguyễn Văn An',
        soDinhDanh: '026185001234',
        noiSinh: { chiTiet: '  Xã A ' },
        kyLuat: [{ nam: 2020, lyDo: ' x ' }],
        quanHeGiaDinh: [{ thongTin: '   ' }],
      });
    });

    it('reads an empty element as an empty string, object or array', function () {
      expect(decodePayload('record', 'xml', xml('<hoTen/><gioiTinh/><daoTao></daoTao>'))).to.deep.equal({ hoTen: '', gioiTinh: {}, daoTao: [] });
      expect(decodePayload('record', 'xml', Buffer.from(`<hoSo xmlns="${NS}"/>`))).to.deep.equal({});
    });

    it('refuses malformed XML', function () {
      expect(caught(() => decodePayload('record', 'xml', Buffer.from('<hoSo><a></hoSo>')))).to.include({ code: 'encoding.xml_invalid', status: 400 });
      expect(caught(() => decodePayload('record', 'xml', Buffer.from(''))).code).to.equal('encoding.xml_invalid');
      expect(caught(() => decodePayload('record', 'xml', Buffer.from([0x3c, 0xc3, 0x28, 0x3e]))).code).to.equal('encoding.xml_invalid');
    });

    it('refuses the wrong root or a missing namespace', function () {
      expect(caught(() => decodePayload('packet', 'xml', xml(''))).code).to.equal('encoding.xml_invalid');
      expect(caught(() => decodePayload('record', 'xml', Buffer.from('<hoSo><hoTen>A</hoTen></hoSo>'))).code).to.equal('encoding.xml_invalid');
      expect(caught(() => decodePayload('record', 'xml', Buffer.from('<hoSo xmlns="urn:other"/>'))).code).to.equal('encoding.xml_invalid');
    });

    it('refuses elements the schema does not know, naming their path', function () {
      const unknown = caught(() => decodePayload('record', 'xml', xml('<luong><bac>1</bac><thuong>2</thuong></luong>')));
      expect(unknown.code).to.equal('encoding.unknown_element');
      expect(unknown.details[0]?.path).to.equal('/luong/thuong');
      const notMuc = caught(() => decodePayload('record', 'xml', xml('<danhGia><item><nam>1</nam></item></danhGia>')));
      expect(notMuc.code).to.equal('encoding.unknown_element');
      expect(notMuc.details[0]?.path).to.equal('/danhGia/item');
      const foreign = caught(() => decodePayload('record', 'xml', xml('<hoTen xmlns="urn:other">A</hoTen>')));
      expect(foreign.code).to.equal('encoding.unknown_element');
      const prefixed = caught(() => decodePayload('record', 'xml', xml('<x:hoTen xmlns:x="urn:other">A</x:hoTen>')));
      expect(prefixed.code).to.equal('encoding.unknown_element');
    });

    it('refuses attributes, repeated properties and text mixed with elements', function () {
      const attr = caught(() => decodePayload('record', 'xml', xml('<hoTen lang="vi">A</hoTen>')));
      expect(attr.code).to.equal('encoding.xml_invalid');
      expect(attr.details[0]?.path).to.equal('/hoTen');
      const twice = caught(() => decodePayload('record', 'xml', xml('<hoTen>A</hoTen><hoTen>B</hoTen>')));
      expect(twice.code).to.equal('encoding.xml_invalid');
      const mixed = caught(() => decodePayload('record', 'xml', xml('<gioiTinh>Nữ<ma>2</ma></gioiTinh>')));
      expect(mixed.code).to.equal('encoding.xml_invalid');
      const textForObject = caught(() => decodePayload('record', 'xml', xml('<gioiTinh>2</gioiTinh>')));
      expect(textForObject.code).to.equal('encoding.xml_invalid');
      const elementForText = caught(() => decodePayload('record', 'xml', xml('<hoTen><ten>A</ten></hoTen>')));
      expect(elementForText.code).to.equal('encoding.xml_invalid');
    });

    it('accepts an element restating the contract namespace', function () {
      expect(decodePayload('record', 'xml', xml(`<hoTen xmlns="${NS}">A</hoTen>`))).to.deep.equal({ hoTen: 'A' });
    });
  });

  it('refuses an unknown format', function () {
    expect(caught(() => encodePayload('record', 'yaml' as 'json', {})).code).to.equal('encoding.format_unknown');
    expect(caught(() => decodePayload('record', 'yaml' as 'json', Buffer.from('{}'))).code).to.equal('encoding.format_unknown');
  });
});
