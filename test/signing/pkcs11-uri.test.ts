import { expect } from 'chai';
import { idText, isPkcs11Uri, parsePkcs11Uri, pinFor } from '../../src/signing/pkcs11-uri.js';
import { TempDir } from './pki-fixture.js';

describe('signing: RFC 7512 PKCS#11 URIs', function () {
  const dir = new TempDir();
  after(() => dir.remove());

  it('reads token, object, id bytes and type, percent-decoded', function () {
    const uri = parsePkcs11Uri('pkcs11:token=S%E1%BB%9F%20N%E1%BB%99i%20v%E1%BB%A5;object=k%C3%BD%20s%E1%BB%91;id=%01%A2;type=private');
    expect(uri.token).to.equal('Sở Nội vụ');
    expect(uri.object).to.equal('ký số');
    expect(uri.id).to.deep.equal(Buffer.from([0x01, 0xa2]));
    expect(idText(uri.id)).to.equal('%01%a2');
    expect(uri.type).to.equal('private');
  });

  it('tells a pkcs11: value from a file path', function () {
    expect(isPkcs11Uri('pkcs11:object=a')).to.equal(true);
    expect(isPkcs11Uri('/secrets/pkcs11:key.p12')).to.equal(false);
  });

  it('takes the PIN from pin-source (first line of the file), else pin-value, else the passphrase', function () {
    const pinFile = dir.file('pin', '4321\nignored\n');
    expect(pinFor(parsePkcs11Uri(`pkcs11:object=a?pin-source=file:${pinFile}`), 'from-config')).to.equal('4321');
    expect(pinFor(parsePkcs11Uri(`pkcs11:object=a?pin-source=${pinFile}`), 'from-config')).to.equal('4321');
    expect(pinFor(parsePkcs11Uri('pkcs11:object=a?pin-value=1111'), 'from-config')).to.equal('1111');
    expect(pinFor(parsePkcs11Uri('pkcs11:object=a'), 'from-config')).to.equal('from-config');
  });

  it('never repeats a pin-value in its text or its errors', function () {
    expect(parsePkcs11Uri('pkcs11:object=a?pin-value=1111').text).to.equal('pkcs11:object=a?pin-value=***');
    let message = '';
    try {
      parsePkcs11Uri('pkcs11:token=x?pin-value=1111');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).to.contain('pin-value=***').and.not.contain('1111');
  });

  it('refuses, with signing.pkcs11_uri_invalid, a URI that names no key, an unknown attribute, a bad escape or a public key', function () {
    for (const bad of ['pkcs11:token=x', 'pkcs11:object=a;colour=red', 'pkcs11:object=%zz', 'pkcs11:object=a;type=public', 'pkcs11:object']) {
      expect(() => parsePkcs11Uri(bad), bad).to.throw().with.property('code', 'signing.pkcs11_uri_invalid');
    }
  });

  it('a pin-source that cannot be read is signing.file_unreadable naming the file', function () {
    expect(() => pinFor(parsePkcs11Uri(`pkcs11:object=a?pin-source=${dir.path}/absent`), undefined))
      .to.throw(/absent/).with.property('code', 'signing.file_unreadable');
  });
});
