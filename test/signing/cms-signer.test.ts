import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../../src/paths.js';
import { buildEnvelope, createCmsSigner, envelopeBytes, signDetached } from '../../src/signing/cms-signer.js';
import { createKeyRing } from '../../src/signing/key-ring.js';
import { DAY, identityOf, makeCa, makeLeaf, openssl, PROVINCE, TempDir } from './pki-fixture.js';

describe('signing: detached CMS signer', function () {
  const dir = new TempDir();
  const ca = makeCa();
  const province = makeLeaf(ca, { ou: PROVINCE });
  const identity = identityOf(province);
  const caFile = dir.file('ca.pem', ca.certificate.toString());
  // Vietnamese text in UTF-8 with a trailing newline and CRLF: the exact bytes must be signed.
  const payload = Buffer.from('{"header":{"sender":"000.00.00.H62"},"hoTen":"Nguyễn Thị Ánh"}\r\n', 'utf8');
  after(() => dir.remove());

  function opensslVerify(signature: Buffer, content: Buffer) {
    const sig = dir.file('sig.der', signature);
    const data = dir.file('payload.bin', content);
    return openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', data, '-CAfile', caFile, '-purpose', 'any', '-out', '/dev/null']);
  }

  it('verifies with the contract command: openssl cms -verify -binary -inform DER ... -purpose any', function () {
    const result = opensslVerify(signDetached(payload, identity), payload);
    expect(result.stderr).to.contain('Verification successful');
    expect(result.status).to.equal(0);
  });

  it('fails openssl verification when the payload changes by one byte', function () {
    const changed = Buffer.from(payload);
    changed[10] = (changed[10] as number) ^ 0x01;
    const result = opensslVerify(signDetached(payload, identity), changed);
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.match(/digest failure|verification failure/i);
  });

  it('carries the profile: detached, SHA-256, RSA, contentType/signingTime/messageDigest, the signer certificate', function () {
    const signingTime = new Date('2026-05-04T03:02:01.000Z');
    const sig = dir.file('print.der', signDetached(payload, identity, signingTime));
    const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', sig]).stdout;
    expect(printed).to.match(/eContent: <ABSENT>/);
    expect(printed).to.contain('sha256 (2.16.840.1.101.3.4.2.1)');
    expect(printed).to.contain('rsaEncryption (1.2.840.113549.1.1.1)');
    expect(printed).to.contain('contentType (1.2.840.113549.1.9.3)');
    expect(printed).to.contain('signingTime (1.2.840.113549.1.9.5)');
    expect(printed).to.contain('UTCTIME:May  4 03:02:01 2026 GMT');
    expect(printed).to.contain('messageDigest (1.2.840.113549.1.9.4)');
    expect(printed).to.contain(`OU=${PROVINCE}`);
    const certs = openssl(['pkcs7', '-inform', 'DER', '-in', sig, '-print_certs', '-noout']).stdout;
    expect(certs).to.contain(`OU = ${PROVINCE}`);
  });

  it('writes signingTime after 2049 as GeneralizedTime (RFC 5652 11.3)', function () {
    const signingTime = new Date('2051-01-02T03:04:05Z');
    const sig = dir.file('gt.der', signDetached(payload, identity, signingTime));
    expect(openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', sig]).stdout).to.contain('GENERALIZEDTIME:Jan  2 03:04:05 2051 GMT');
  });

  it('builds the contract envelope: format, base64 payload, base64 DER signature', function () {
    const schema = JSON.parse(readFileSync(join(paths.nationalSchemas, 'envelope.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const envelope = buildEnvelope('xml', payload, createCmsSigner(identity));
    expect(validate(envelope), JSON.stringify(validate.errors)).to.equal(true);
    expect(envelope.format).to.equal('xml');
    expect(Buffer.from(envelope.payload, 'base64').equals(payload)).to.equal(true);
    expect(opensslVerify(Buffer.from(envelope.signature, 'base64'), payload).status).to.equal(0);
  });

  it('writes the envelope bytes exactly as JSON.stringify writes the envelope', function () {
    // One clock, so both signatures carry the same signingTime and are byte-identical.
    const at = new Date('2026-03-04T05:06:07Z');
    const signer = createCmsSigner(identity, () => at);
    for (const format of ['json', 'xml'] as const) {
      const bytes = envelopeBytes(format, payload, signer);
      expect(bytes.toString('utf8')).to.equal(JSON.stringify(buildEnvelope(format, payload, signer)));
      const parsed = JSON.parse(bytes.toString('utf8')) as { payload: string; signature: string };
      expect(opensslVerify(Buffer.from(parsed.signature, 'base64'), payload).status).to.equal(0);
    }
  });

  it('writes a payload of many base64 slices, and one that ends on a slice or just past it, as JSON.stringify does', function () {
    const at = new Date('2026-03-04T05:06:07Z');
    const signer = createCmsSigner(identity, () => at);
    const slice = 3 * 16 * 1024;
    for (const size of [0, 1, slice - 1, slice, slice + 1, slice + 2, 3 * slice + 7, 1_250_000]) {
      const large = Buffer.alloc(size);
      for (let i = 0; i < size; i += 1) large[i] = (i * 31 + 7) & 0xff;
      const bytes = envelopeBytes('json', large, signer);
      expect(bytes.toString('utf8'), `${size} bytes`).to.equal(JSON.stringify(buildEnvelope('json', large, signer)));
    }
  });

  it('signs through a key ring with the identity valid at signing time', function () {
    const now = new Date();
    const next = makeLeaf(ca, { ou: PROVINCE, keyIndex: 2, notBefore: new Date(now.getTime() + 2 * DAY), notAfter: new Date(now.getTime() + 400 * DAY) });
    const ring = createKeyRing([identity, identityOf(next, 'next')], { senderCode: PROVINCE, now });
    const signer = createCmsSigner(ring, () => new Date(now.getTime() + 3 * DAY));
    expect(signer.identity().source).to.equal('next');
    const sig = dir.file('ring.der', signer.sign(payload));
    const der = openssl(['pkcs7', '-inform', 'DER', '-in', sig, '-print_certs']).stdout;
    expect(der).to.contain(next.certificate.toString().trim().split('\n')[1]);
  });
});
