import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CliIo } from '../../src/cli/command.js';
import { keysCommand } from '../../src/cli/commands/keys-command.js';
import { verifyCommand } from '../../src/cli/commands/verify-command.js';
import { runCli } from '../../src/cli/run-cli.js';
import { paths } from '../../src/paths.js';
import { buildEnvelope, createCmsSigner } from '../../src/signing/cms-signer.js';
import { identityOf, makeCa, makeLeaf, MINISTRY, TempDir } from '../signing/pki-fixture.js';

function captureIo(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, isTty: false, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

/**
 * The CLI from its sources (tsx), in a child process whose environment holds only what the test
 * gives: the configured defaults (TRUST_ANCHORS_FILE, SENDER_CODE) come from there.
 */
function cliFromSource(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(paths.root, 'src', 'cli', 'index.ts'), ...args], {
    cwd: paths.root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A packet in the XML encoding (xml-encoding.md), written by hand: the header of packet.json. */
const PACKET_XML = `<?xml version="1.0" encoding="UTF-8"?>
<goiTin xmlns="urn:csdl-cbccvc:v1">
  <header>
    <schemaVersion>1.0</schemaVersion>
    <packetId>7d0b6c2e-3a51-4c9a-9f5e-2b7e1c9d4a10</packetId>
    <sender>000.00.00.H62</sender>
    <receiver>000.00.00.G09</receiver>
    <createdAt>2026-05-28T09:00:00+07:00</createdAt>
    <recordCount>1</recordCount>
    <approval>
      <approvedBy><hoTen>Lê Văn Minh, Sở Nội vụ</hoTen><chucVu>Giám đốc</chucVu></approvedBy>
      <approvedAt>2026-05-28T08:30:00+07:00</approvedAt>
    </approval>
  </header>
  <records/>
</goiTin>`;

describe('cli: verify and keys commands', function () {
  this.timeout(60_000);
  const dir = new TempDir();
  const ca = makeCa();
  const ministry = createCmsSigner(identityOf(makeLeaf(ca, { ou: MINISTRY })));
  const anchors = dir.file('anchors.pem', ca.certificate.toString());
  const envelopeFile = (name: string, format: 'json' | 'xml', payload: string): string =>
    dir.file(name, JSON.stringify(buildEnvelope(format, Buffer.from(payload, 'utf8'), ministry)));
  after(() => dir.remove());

  describe('verify decodes the payload with the contract codec', function () {
    it("prints an XML packet's header with the schema's types", async function () {
      const io = captureIo();
      expect(await verifyCommand.run([envelopeFile('packet-xml.json', 'xml', PACKET_XML), '--trust', anchors], io)).to.equal(0);
      const header = JSON.parse(io.lines.slice(3).join('\n')) as Record<string, unknown>;
      expect(header).to.deep.equal({
        schemaVersion: '1.0',
        packetId: '7d0b6c2e-3a51-4c9a-9f5e-2b7e1c9d4a10',
        sender: '000.00.00.H62',
        receiver: '000.00.00.G09',
        createdAt: '2026-05-28T09:00:00+07:00',
        recordCount: 1,
        approval: { approvedBy: { hoTen: 'Lê Văn Minh, Sở Nội vụ', chucVu: 'Giám đốc' }, approvedAt: '2026-05-28T08:30:00+07:00' },
      });
    });

    it('says an XML record (hoSo) has no header', async function () {
      const record = readFileSync(join(paths.root, 'test', 'fixtures', 'contract-examples', 'official.xml'), 'utf8');
      const io = captureIo();
      expect(await verifyCommand.run([envelopeFile('record-xml.json', 'xml', record), '--trust', anchors], io)).to.equal(0);
      expect(JSON.parse(io.lines.slice(3).join('\n'))).to.deep.equal({ note: 'the payload has no header (a single record)' });
    });

    it('refuses a verified XML payload that is neither a packet nor a record, with the codec error code', async function () {
      const io = captureIo();
      const file = envelopeFile('other-xml.json', 'xml', '<?xml version="1.0"?><goiTinX xmlns="urn:csdl-cbccvc:v1"/>');
      expect(await verifyCommand.run([file, '--trust', anchors], io)).to.equal(1);
      expect(io.errors.join('\n')).to.match(/^encoding\.xml_invalid: .*goiTin/);
    });
  });

  describe('configured defaults', function () {
    it('verify without --trust uses TRUST_ANCHORS_FILE', async function () {
      const file = envelopeFile('packet-json.json', 'json', JSON.stringify({ header: { packetId: 'p-1', sender: MINISTRY }, records: [] }));
      const run = await cliFromSource(['verify', file], { TRUST_ANCHORS_FILE: anchors, DATA_DIR: dir.path });
      expect(run.stderr).to.equal('');
      expect(run.code).to.equal(0);
      expect(run.stdout).to.contain('"packetId": "p-1"');
    });

    it('verify without --trust and with no trust anchors configured exits 2 saying what is missing', async function () {
      const file = envelopeFile('packet-json-2.json', 'json', '{"header":{},"records":[]}');
      // A configured key: the development PKI's bundle is not a fallback then.
      const run = await cliFromSource(['verify', file], { SIGNING_KEY_FILE: join(dir.path, 'absent.p12'), DATA_DIR: dir.path });
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain('--trust').and.to.contain('TRUST_ANCHORS_FILE');
    });

    it('keys dev-pki without --sender puts SENDER_CODE in the province OU', async function () {
      const out = join(dir.path, 'dev-pki');
      const run = await cliFromSource(['keys', 'dev-pki', '--out', out], { SENDER_CODE: '000.00.00.H29', DATA_DIR: dir.path });
      expect(run.stderr).to.equal('');
      expect(run.code).to.equal(0);
      expect(run.stdout).to.contain('(OU 000.00.00.H29)');
      expect(run.stdout).to.contain(`(OU ${MINISTRY})`);
    });
  });

  describe('bad usage', function () {
    for (const argv of [['keys', 'inspect', '--no-such-option'], ['keys', 'dev-pki', '--out'], ['verify', 'envelope.json', '--no-such-option']]) {
      it(`'${argv.join(' ')}' exits 2 like every command's bad usage, pointing at --help`, async function () {
        const io = captureIo();
        expect(await runCli(argv, [keysCommand, verifyCommand], io)).to.equal(2);
        expect(io.errors.at(-1)).to.equal(`Run 'csdl-gateway ${argv[0]} --help' for usage.`);
      });
    }

    it('a file that cannot be read is not bad usage: keys inspect exits 1', async function () {
      const io = captureIo();
      expect(await runCli(['keys', 'inspect', join(dir.path, 'absent.pem')], [keysCommand, verifyCommand], io)).to.equal(1);
      expect(io.errors.join('\n')).to.not.contain('--help');
    });
  });
});
