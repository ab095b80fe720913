import { createPublicKey } from 'node:crypto';
import { expect } from 'chai';
import { approvalFrom } from '../../src/compose/sync-compose.js';
import { loadConfig } from '../../src/config/config.js';
import { issueCertificate } from '../../src/signing/certificate-builder.js';
import type { CmsSigner } from '../../src/signing/cms-signer.js';
import { DAY, identityOf, makeCa, PROVINCE, rsaKey } from '../signing/pki-fixture.js';

/**
 * The packet header's approval defaults to the signing certificate's CN and O.
 * An O such as 'Sở Nội vụ, tỉnh X' holds ', ', the separator of a printed subject, so the
 * values must come from the certificate's attributes rather than from its subject text.
 */
describe('compose: approvalFrom', function () {
  this.timeout(60_000);
  const now = new Date();
  const ca = makeCa();
  const privateKey = rsaKey(2048, 1);
  const certificate = issueCertificate({
    subject: { country: 'VN', organization: 'Sở Nội vụ, tỉnh Hà Tĩnh', organizationalUnit: PROVINCE, commonName: 'Nguyễn Văn A, Giám đốc' },
    publicKey: createPublicKey(privateKey),
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 30 * DAY),
    isCa: false,
    issuer: ca,
  });
  const signer = { identity: () => identityOf({ certificate, privateKey }) } as unknown as CmsSigner;

  it("takes hoTen and chucVu from the certificate's CN and O, commas included", function () {
    const approval = approvalFrom(loadConfig({}))(signer, now);
    expect(approval.approvedBy).to.deep.equal({ hoTen: 'Nguyễn Văn A, Giám đốc', chucVu: 'Sở Nội vụ, tỉnh Hà Tĩnh' });
    expect(approval.approvedAt).to.equal(now.toISOString());
  });

  it('prefers APPROVER_NAME and APPROVER_TITLE when configured', function () {
    const approval = approvalFrom(loadConfig({ APPROVER_NAME: 'Trần Thị B', APPROVER_TITLE: 'Phó Giám đốc' }))(signer, now);
    expect(approval.approvedBy).to.deep.equal({ hoTen: 'Trần Thị B', chucVu: 'Phó Giám đốc' });
  });
});
