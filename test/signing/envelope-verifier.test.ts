import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { buildEnvelope, createCmsSigner, signDetached, type Envelope } from '../../src/signing/cms-signer.js';
import { verifyEnvelope, type VerifyOptions } from '../../src/signing/envelope-verifier.js';
import { EnvelopeError } from '../../src/signing/signing-errors.js';
import { parseTrustAnchors } from '../../src/signing/trust-anchors.js';
import { DAY, identityOf, makeCa, makeLeaf, MINISTRY, openssl, PROVINCE, TempDir } from './pki-fixture.js';

function rejection(envelope: unknown, options: VerifyOptions): EnvelopeError {
  try {
    verifyEnvelope(envelope, options);
  } catch (err) {
    expect(err).to.be.instanceOf(EnvelopeError);
    return err as EnvelopeError;
  }
  throw new Error('expected an EnvelopeError');
}

describe('signing: envelope verifier', function () {
  const ca = makeCa('Ministry Test CA');
  const ministry = makeLeaf(ca, { ou: MINISTRY, keyIndex: 1 });
  const province = makeLeaf(ca, { ou: PROVINCE, keyIndex: 2 });
  const anchors = parseTrustAnchors(ca.certificate.toString());
  const options: VerifyOptions = { trustAnchors: anchors, expectedSigner: MINISTRY };
  const payload = Buffer.from(JSON.stringify({ header: { packetId: 'x' }, hoTen: 'Trần Văn Bình' }), 'utf8');
  const signed = (pair = ministry, bytes = payload): Envelope => buildEnvelope('json', bytes, createCmsSigner(identityOf(pair)));

  it('returns the payload bytes, signingTime and signer of a good envelope', function () {
    const before = Date.now();
    const envelope = signed();
    const result = verifyEnvelope(envelope, options);
    expect(result.format).to.equal('json');
    expect(result.payload.equals(payload)).to.equal(true);
    expect(result.payloadSha256).to.equal(createHash('sha256').update(payload).digest('hex'));
    expect(result.signature.equals(Buffer.from(envelope.signature, 'base64'))).to.equal(true);
    expect(result.signingTime.getTime()).to.be.within(Math.floor(before / 1000) * 1000, Date.now());
    expect(result.signer).to.deep.equal({
      subject: `C=VN, O=Sở Nội vụ thử nghiệm, OU=${MINISTRY}, CN=signer ${MINISTRY}`,
      ou: MINISTRY,
      fingerprint: ministry.certificate.fingerprint256,
    });
  });

  it('accepts a signature made by openssl cms -sign (interoperability the other way)', function () {
    const dir = new TempDir();
    try {
      const key = dir.file('k.pem', ministry.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const cert = dir.file('c.pem', ministry.certificate.toString());
      const data = dir.file('p.bin', payload);
      const sig = dir.file('s.der');
      const made = openssl(['cms', '-sign', '-binary', '-md', 'sha256', '-outform', 'DER', '-signer', cert, '-inkey', key, '-in', data, '-out', sig]);
      expect(made.status, made.stderr).to.equal(0);
      const envelope = { format: 'json', payload: payload.toString('base64'), signature: openssl(['base64', '-A', '-in', sig]).stdout.trim() };
      expect(verifyEnvelope(envelope, options).signer.ou).to.equal(MINISTRY);
    } finally {
      dir.remove();
    }
  });

  it('SIGNATURE_INVALID when the payload changed by one byte after signing', function () {
    const envelope = signed();
    const changed = Buffer.from(payload);
    changed[changed.length - 3] = (changed[changed.length - 3] as number) ^ 0x20;
    const err = rejection({ ...envelope, payload: changed.toString('base64') }, options);
    expect(err.code).to.equal('SIGNATURE_INVALID');
    expect(err.status).to.equal(403);
    expect(err.message).to.contain('do not match the signed digest');
  });

  it('SIGNATURE_INVALID when the RSA signature itself is damaged', function () {
    const signature = signDetached(payload, identityOf(ministry));
    signature[signature.length - 5] = (signature[signature.length - 5] as number) ^ 0xff; // inside the RSA value
    const err = rejection({ format: 'json', payload: payload.toString('base64'), signature: signature.toString('base64') }, options);
    expect(err.code).to.equal('SIGNATURE_INVALID');
    expect(err.message).to.contain('RSA signature');
  });

  it('CERT_NOT_TRUSTED for a valid signature under a CA that is not a trust anchor', function () {
    const rogueCa = makeCa('Rogue CA', 11);
    const rogue = makeLeaf(rogueCa, { ou: MINISTRY, keyIndex: 3 });
    const err = rejection(signed(rogue), options);
    expect(err.code).to.equal('CERT_NOT_TRUSTED');
    expect(err.message).to.contain('does not chain to a configured trust anchor');
  });

  it('SIGNER_MISMATCH for a valid, trusted signature by another agency', function () {
    const err = rejection(signed(province), options);
    expect(err.code).to.equal('SIGNER_MISMATCH');
    expect(err.message).to.contain(PROVINCE).and.to.contain(MINISTRY);
  });

  it('CERT_EXPIRED when the certificate was not valid at signingTime', function () {
    const now = Date.now();
    const old = makeLeaf(ca, { ou: MINISTRY, keyIndex: 3, notBefore: new Date(now - 800 * DAY), notAfter: new Date(now - 10 * DAY) });
    const signature = signDetached(payload, identityOf(old), new Date(now - DAY));
    const err = rejection({ format: 'json', payload: payload.toString('base64'), signature: signature.toString('base64') }, options);
    expect(err.code).to.equal('CERT_EXPIRED');
    expect(err.message).to.contain('was not valid at signingTime');
  });

  it('accepts a certificate expired now if it was valid at signingTime', function () {
    const now = Date.now();
    const old = makeLeaf(ca, { ou: MINISTRY, keyIndex: 3, notBefore: new Date(now - 800 * DAY), notAfter: new Date(now - 10 * DAY) });
    const signature = signDetached(payload, identityOf(old), new Date(now - 20 * DAY));
    const result = verifyEnvelope({ format: 'json', payload: payload.toString('base64'), signature: signature.toString('base64') }, options);
    expect(result.signingTime.getTime()).to.equal(Math.floor((now - 20 * DAY) / 1000) * 1000);
  });

  it('chains through an intermediate CA carried in the signature', function () {
    const intermediate = makeLeaf(ca, { isCa: true, commonName: 'Intermediate', keyIndex: 4 });
    const leaf = makeLeaf(intermediate, { ou: MINISTRY, keyIndex: 3 });
    const identity = { ...identityOf(leaf), chain: [intermediate.certificate] };
    // The signer carries the chain that came with its key, so the root alone is enough ...
    expect(verifyEnvelope(buildEnvelope('json', payload, createCmsSigner(identity)), options).signer.ou).to.equal(MINISTRY);
    // ... and without the intermediate the path is broken.
    const bare = buildEnvelope('json', payload, createCmsSigner(identityOf(leaf)));
    expect(rejection(bare, options).code).to.equal('CERT_NOT_TRUSTED');
    // A trust bundle holding the intermediate itself is enough too.
    const withIntermediate = { ...options, trustAnchors: [intermediate.certificate] };
    expect(verifyEnvelope(bare, withIntermediate).signer.ou).to.equal(MINISTRY);
  });

  it('BAD_ENVELOPE for garbage base64, naming the field', function () {
    const envelope = signed();
    for (const payloadText of ['not base64 at all!', 'QUJD RA==', 'QUJDRB==', 'QUJDRA']) {
      const err = rejection({ ...envelope, payload: payloadText }, options);
      expect(err.code, payloadText).to.equal('BAD_ENVELOPE');
      expect(err.status).to.equal(400);
      expect(err.details[0]?.path).to.equal('/payload');
    }
    expect(rejection({ ...envelope, signature: '@@@@' }, options).details[0]?.path).to.equal('/signature');
  });

  it('BAD_ENVELOPE for a wrong shape, listing every problem', function () {
    const err = rejection({ format: 'pdf', payload: 'QUJD', extra: 1 }, options);
    expect(err.code).to.equal('BAD_ENVELOPE');
    expect(err.details.map((d) => d.path)).to.have.members(['/signature', '/extra', '/format']);
    expect(rejection('a string', options).code).to.equal('BAD_ENVELOPE');
    expect(rejection(null, options).code).to.equal('BAD_ENVELOPE');
  });

  it('BAD_ENVELOPE when the signature is base64 of something that is not CMS', function () {
    const err = rejection({ format: 'json', payload: payload.toString('base64'), signature: Buffer.from('hello world').toString('base64') }, options);
    expect(err.code).to.equal('BAD_ENVELOPE');
    expect(err.message).to.contain('not a DER CMS SignedData');
  });

  it('SIGNATURE_INVALID for a signingTime in the future beyond the clock skew', function () {
    const signature = signDetached(payload, identityOf(ministry), new Date(Date.now() + 3_600_000));
    const err = rejection({ format: 'json', payload: payload.toString('base64'), signature: signature.toString('base64') }, options);
    expect(err.code).to.equal('SIGNATURE_INVALID');
    expect(err.message).to.contain('future');
  });
});
