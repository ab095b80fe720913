import { expect } from 'chai';
import { readFileSync, rmSync, statSync } from 'node:fs';
import type { CliIo } from '../../src/cli/command.js';
import { keysCommand } from '../../src/cli/commands/keys-command.js';
import { verifyCommand } from '../../src/cli/commands/verify-command.js';
import { buildEnvelope, createCmsSigner } from '../../src/signing/cms-signer.js';
import { ensureDevPki } from '../../src/signing/dev-pki.js';
import { loadIdentity } from '../../src/signing/key-store.js';
import { checkIdentity } from '../../src/signing/signing-identity.js';
import { MINISTRY, openssl, PROVINCE, TempDir } from './pki-fixture.js';

function captureIo(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, isTty: false, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe('signing: development PKI and the keys/verify commands', function () {
  const dir = new TempDir();
  const out = `${dir.path}/dev`;
  let files: Awaited<ReturnType<typeof ensureDevPki>>;
  before(async function () {
    files = await ensureDevPki(out, { senderCode: PROVINCE, passphrase: 'dev-pass' });
  });
  after(() => dir.remove());

  it('creates the CA, both identities as PKCS#12 and PEM, and trust-anchors.pem; keys are private', function () {
    expect(files.created).to.have.length(9);
    expect(statSync(files.province.p12).mode & 0o077).to.equal(0);
    expect(readFileSync(files.trustAnchors, 'utf8')).to.equal(readFileSync(files.caCert, 'utf8'));
  });

  it('leaves existing files alone on a second run', async function () {
    const before = readFileSync(files.province.p12);
    const again = await ensureDevPki(out, { senderCode: PROVINCE, passphrase: 'dev-pass' });
    expect(again.created).to.deep.equal([]);
    expect(readFileSync(files.province.p12).equals(before)).to.equal(true);
  });

  it('gives identities that pass the start-up checks with the right OU, from PKCS#12 and from PEM', async function () {
    const now = new Date();
    const province = await loadIdentity({ kind: 'pkcs12', file: files.province.p12, passphrase: 'dev-pass' });
    expect(checkIdentity(province, { senderCode: PROVINCE, now }).daysUntilExpiry).to.be.within(727, 730);
    expect(province.summary.keyBits).to.equal(3072);
    const ministry = await loadIdentity({ kind: 'pem', keyFile: files.ministry.keyPem, certFile: files.ministry.certPem, passphrase: 'dev-pass' });
    expect(ministry.summary.ous).to.deep.equal([MINISTRY]);
  });

  it('writes PKCS#12 files that openssl reads, and chains openssl accepts', function () {
    const read = openssl(['pkcs12', '-in', files.province.p12, '-passin', 'pass:dev-pass', '-nokeys', '-clcerts']);
    expect(read.status, read.stderr).to.equal(0);
    expect(read.stdout).to.contain(`OU = ${PROVINCE}`);
    const chain = openssl(['verify', '-CAfile', files.trustAnchors, files.province.certPem, files.ministry.certPem]);
    expect(chain.stdout).to.contain(`${files.province.certPem}: OK`).and.to.contain(`${files.ministry.certPem}: OK`);
  });

  it('keys inspect prints subject, OU, validity, key size and fingerprint', async function () {
    const io = captureIo();
    expect(await keysCommand.run(['inspect', files.ministry.p12, '--passphrase', 'dev-pass'], io)).to.equal(0);
    const text = io.lines.join('\n');
    expect(text).to.contain(`OU:          ${MINISTRY}`).and.to.contain('RSA 3072 bits').and.to.match(/sha256: {6}([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    const wrong = captureIo();
    expect(await keysCommand.run(['inspect', files.ministry.p12, '--passphrase', 'nope'], wrong)).to.equal(1);
    expect(wrong.errors.join('\n')).to.contain('signing.bad_passphrase');
  });

  it('verify prints the header of a good envelope and the code of a bad one', async function () {
    const ministry = await loadIdentity({ kind: 'pkcs12', file: files.ministry.p12, passphrase: 'dev-pass' });
    const payload = Buffer.from(JSON.stringify({ header: { packetId: '6f1c2a9e-0b7d-4c1e-9a55-3f2e1d0c9b8a', sender: MINISTRY }, records: [] }));
    const envelope = buildEnvelope('json', payload, createCmsSigner(ministry));
    const good = dir.file('good.json', JSON.stringify(envelope));
    const io = captureIo();
    expect(await verifyCommand.run([good, '--trust', files.trustAnchors], io)).to.equal(0);
    expect(io.lines.join('\n')).to.contain('"packetId": "6f1c2a9e-0b7d-4c1e-9a55-3f2e1d0c9b8a"');
    const mismatch = captureIo();
    expect(await verifyCommand.run([good, '--trust', files.trustAnchors, '--expect', PROVINCE], mismatch)).to.equal(1);
    expect(mismatch.errors.join('\n')).to.match(/^SIGNER_MISMATCH: /);
    expect(mismatch.lines).to.deep.equal([]);
  });

  it('does not decrypt the CA key when no leaf is missing (a wrong passphrase goes unnoticed)', async function () {
    const again = await ensureDevPki(out, { senderCode: PROVINCE, passphrase: 'not-the-ca-passphrase' });
    expect(again.created).to.deep.equal([]);
  });

  it('re-issues a deleted leaf with the same CA, decrypting its key only then', async function () {
    rmSync(files.ministry.certPem);
    let refused: unknown;
    try {
      await ensureDevPki(out, { senderCode: PROVINCE, passphrase: 'not-the-ca-passphrase' });
    } catch (err) {
      refused = err;
    }
    expect(refused, 'a missing leaf needs the CA key, which a wrong passphrase cannot open').to.be.instanceOf(Error);
    const again = await ensureDevPki(out, { senderCode: PROVINCE, passphrase: 'dev-pass' });
    expect(again.created).to.deep.equal([files.ministry.p12, files.ministry.keyPem, files.ministry.certPem]);
    const chain = openssl(['verify', '-CAfile', files.trustAnchors, files.ministry.certPem]);
    expect(chain.stdout).to.contain(`${files.ministry.certPem}: OK`);
  });
});
