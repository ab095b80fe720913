import { expect } from 'chai';
import { decodeOid, decodeTime, DerError, encodeTlv, oid, readSingle, setOf, time, unsignedInteger } from '../../src/signing/der.js';

// Expected bytes written by hand from X.690 and the OID registry, not produced by the code.
const hex = (b: Buffer): string => b.toString('hex');

describe('signing: DER reader and writer', function () {
  it('encodes OIDs (X.690 8.19)', function () {
    expect(hex(oid('1.2.840.113549.1.7.2'))).to.equal('06092a864886f70d010702');
    expect(hex(oid('2.16.840.1.101.3.4.2.1'))).to.equal('0609608648016503040201');
    expect(hex(oid('2.5.4.11'))).to.equal('060355040b');
  });

  it('decodes OIDs', function () {
    expect(decodeOid(readSingle(Buffer.from('06092a864886f70d010907', 'hex')))).to.equal('1.2.840.113549.1.9.7');
  });

  it('encodes non-negative INTEGERs minimally, with a 0x00 before a high bit', function () {
    expect(hex(unsignedInteger(1))).to.equal('020101');
    expect(hex(unsignedInteger(128))).to.equal('02020080');
    expect(hex(unsignedInteger(Buffer.from('000005', 'hex')))).to.equal('020105');
    expect(hex(unsignedInteger(0))).to.equal('020100');
  });

  it('uses UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5652 11.3)', function () {
    expect(hex(time(new Date('2026-05-04T03:02:01.999Z')))).to.equal('170d' + Buffer.from('260504030201Z').toString('hex'));
    expect(hex(time(new Date('2050-01-01T00:00:00Z')))).to.equal('180f' + Buffer.from('20500101000000Z').toString('hex'));
    expect(decodeTime(readSingle(Buffer.from('170d' + Buffer.from('491231235959Z').toString('hex'), 'hex'))).toISOString()).to.equal('2049-12-31T23:59:59.000Z');
    expect(decodeTime(readSingle(Buffer.from('170d' + Buffer.from('500101000000Z').toString('hex'), 'hex'))).toISOString()).to.equal('1950-01-01T00:00:00.000Z');
  });

  it('sorts SET OF elements by their encodings (X.690 11.6)', function () {
    expect(hex(setOf(Buffer.from('040102', 'hex'), Buffer.from('020105', 'hex')))).to.equal('3106020105040102');
  });

  it('writes long-form lengths', function () {
    expect(hex(encodeTlv(0x04, Buffer.alloc(200)).subarray(0, 3))).to.equal('0481c8');
    expect(hex(encodeTlv(0x04, Buffer.alloc(300)).subarray(0, 4))).to.equal('0482012c');
  });

  it('rejects indefinite lengths, overruns and trailing bytes', function () {
    expect(() => readSingle(Buffer.from('30800000', 'hex'))).to.throw(DerError, /indefinite/);
    expect(() => readSingle(Buffer.from('3005020101', 'hex'))).to.throw(DerError, /past the end/);
    expect(() => readSingle(Buffer.from('02010100', 'hex'))).to.throw(DerError, /trailing/);
  });
});
