import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../../config/config.js';
import { AGENCY_CODE_PATTERN, MINISTRY_AGENCY_CODE } from '../../contract/national-contract.js';
import { describeError } from '../../errors.js';
import { DEV_PKI_PASSPHRASE } from '../../signing/dev-pki.js';
import { summarizeCertificate, type CertificateSummary } from '../../signing/certificate-info.js';
import { ensureDevPki } from '../../signing/dev-pki.js';
import { loadIdentity, sourceFromPath } from '../../signing/key-store.js';
import { certificatesFromPem } from '../../signing/signing-identity.js';
import type { CliCommand, CliIo } from '../command.js';
import { isUsageError } from '../run-cli.js';
import { showKeys } from './keys-show.js';

/**
 * `csdl-gateway keys [show] | dev-pki | inspect` (issue 4; `show` in keys-show.ts). Without --sender the sender code is
 * `defaults.senderCode`, else SENDER_CODE from the configuration (read only then, as the
 * simulator command does); without --passphrase, `defaults.passphrase` or the dev one.
 */
export interface KeysCommandDefaults {
  senderCode?: string;
  passphrase?: string;
  /** The configuration `keys show` reads (default: loadConfig(), as start does). */
  config?: () => Config;
}

const USAGE = `Usage:
  csdl-gateway keys [show]
      The active signing key and the next one as configured: where each lives (file, or
      token label and serial), subject, agency code, validity, days left; warns 30 days
      before expiry. Exit 1 when a key cannot be opened or none is valid now.
  csdl-gateway keys dev-pki --out DIR [--sender CODE] [--passphrase P]
      Create (only where absent) a development CA, the province's signing identity
      (OU = CODE, default SENDER_CODE) and a Ministry identity (OU = ${MINISTRY_AGENCY_CODE}), each as
      PKCS#12 and PEM, and DIR/trust-anchors.pem. Never use these keys in production.
  csdl-gateway keys inspect FILE [--passphrase P] [--cert CERT.pem]
      Print subject, OU, validity, key size and SHA-256 fingerprint of a .p12/.pfx file, a PEM
      certificate (bundle), or a PEM private key with its --cert.
Examples:
  csdl-gateway keys dev-pki --out certs/dev --sender 000.00.00.H62
  csdl-gateway keys inspect certs/dev/province.p12 --passphrase csdl-dev`;

const DEV_PASSPHRASE = DEV_PKI_PASSPHRASE;

function printSummary(io: CliIo, summary: CertificateSummary, now: Date): void {
  const days = Math.floor((summary.notAfter.getTime() - now.getTime()) / 86_400_000);
  io.out(`subject:     ${summary.subject}`);
  io.out(`OU:          ${summary.ous.length > 0 ? summary.ous.join(', ') : '(none)'}`);
  io.out(`valid from:  ${summary.notBefore.toISOString()}`);
  const left = days < 0 ? `expired ${-days} day(s) ago` : `${days} day(s) left`;
  io.out(`valid to:    ${summary.notAfter.toISOString()} (${left})`);
  io.out(`key:         ${summary.keyBits === undefined ? 'not RSA' : `RSA ${summary.keyBits} bits`}`);
  io.out(`sha256:      ${summary.fingerprint}`);
}

async function devPki(argv: string[], io: CliIo, defaults: KeysCommandDefaults): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: 'string' }, sender: { type: 'string' }, passphrase: { type: 'string' } },
    strict: true,
  });
  if (values.out === undefined) {
    io.err('keys dev-pki needs --out DIR');
    return 2;
  }
  const senderCode = values.sender ?? defaults.senderCode ?? loadConfig().senderCode;
  if (!AGENCY_CODE_PATTERN.test(senderCode)) {
    io.err(`--sender ${senderCode} is not an agency code like 000.00.00.H62`);
    return 2;
  }
  const passphrase = values.passphrase ?? defaults.passphrase ?? DEV_PASSPHRASE;
  const files = await ensureDevPki(values.out, { senderCode, passphrase });
  io.out(
    files.created.length === 0
      ? `nothing to do: ${values.out} already holds a development PKI`
      : `created ${files.created.length} file(s):`,
  );
  for (const file of files.created) io.out(`  ${file}`);
  io.out(`province identity: ${files.province.p12} (OU ${senderCode})`);
  io.out(`ministry identity: ${files.ministry.p12} (OU ${MINISTRY_AGENCY_CODE})`);
  io.out(`trust anchors:     ${files.trustAnchors}`);
  if (values.passphrase === undefined && defaults.passphrase === undefined) {
    io.out(`passphrase:        ${DEV_PASSPHRASE} (development default)`);
  }
  return 0;
}

async function inspect(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { passphrase: { type: 'string' }, cert: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (file === undefined) {
    io.err('keys inspect needs a FILE');
    return 2;
  }
  const now = new Date();
  if (!/\.(p12|pfx)$/i.test(file) && values.cert === undefined) {
    const text = (await readFile(file)).toString('utf8');
    const certificates = text.includes('-----BEGIN CERTIFICATE-----')
      ? certificatesFromPem(text, file)
      : [new X509Certificate(await readFile(file))];
    certificates.forEach((cert, index) => {
      if (certificates.length > 1) io.out(`# certificate ${index + 1}`);
      printSummary(io, summarizeCertificate(cert), now);
    });
    return 0;
  }
  const identity = await loadIdentity(sourceFromPath(file, values.passphrase, values.cert));
  printSummary(io, identity.summary, now);
  io.out(`chain:       ${identity.chain.length} more certificate(s)`);
  for (const cert of identity.chain) io.out(`  - ${summarizeCertificate(cert).subject}`);
  return 0;
}

export function createKeysCommand(defaults: KeysCommandDefaults = {}): CliCommand {
  return {
    name: 'keys',
    summary: 'Show the signing keys in use, create a development PKI, or inspect key files',
    usage: USAGE,
    async run(argv, io) {
      const [sub, ...rest] = argv;
      try {
        if (sub === undefined || sub === 'show') {
          if (rest.length > 0) parseArgs({ args: rest, options: {}, strict: true });
          return await showKeys((defaults.config ?? loadConfig)(), io);
        }
        if (sub === 'dev-pki') return await devPki(rest, io, defaults);
        if (sub === 'inspect') return await inspect(rest, io);
        io.err(USAGE);
        return 2;
      } catch (err) {
        // Bad options and configuration go to the dispatcher: one line, a pointer to --help, exit 2.
        if (isUsageError(err)) throw err;
        io.err(describeError(err));
        return 1;
      }
    },
  };
}

export const keysCommand = createKeysCommand();
