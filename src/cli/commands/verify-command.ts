import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config.js';
import { MINISTRY_AGENCY_CODE, nationalContract } from '../../contract/national-contract.js';
import { createPayloadCodec } from '../../encoding/payload-codec.js';
import { describeError } from '../../errors.js';
import { DEV_PKI_DIR } from '../../signing/dev-pki.js';
import { verifyEnvelope, type VerifiedEnvelope } from '../../signing/envelope-verifier.js';
import { parseTrustAnchors } from '../../signing/trust-anchors.js';
import type { CliCommand, CliIo } from '../command.js';
import { isUsageError } from '../run-cli.js';

/**
 * `csdl-gateway verify ENVELOPE.json [--trust ANCHORS.pem] [--expect CODE]`: verifies
 * a saved envelope and, only once it verified, prints the payload's header.
 */
export interface VerifyCommandDefaults {
  /** Used when --trust is absent, before the configuration is read. */
  trustAnchorsFile?: string;
}

const USAGE = `Usage:
  csdl-gateway verify ENVELOPE.json [--trust ANCHORS.pem] [--expect CODE]
      Verify a saved envelope: shape, signature over the payload bytes, chain to a trust
      anchor, validity at signingTime and the signer's OU (default ${MINISTRY_AGENCY_CODE}, the Ministry).
      --trust defaults to TRUST_ANCHORS_FILE or, while the development PKI signs (no
      SIGNING_KEY_FILE), to certs/dev/trust-anchors.pem, as start uses them.
      Prints the payload's header on success; the error code and message otherwise (exit 1).
Example:
  csdl-gateway verify out/packet-1.json --trust certs/dev/trust-anchors.pem --expect 000.00.00.H62`;

/**
 * The trust anchors start uses (compose/signer.ts): TRUST_ANCHORS_FILE, else, with no
 * SIGNING_KEY_FILE, the development PKI's bundle when it exists. Read only without --trust.
 */
function configuredTrustAnchors(): string | undefined {
  const { signing } = loadConfig();
  if (signing.trustAnchorsFile !== undefined) return signing.trustAnchorsFile;
  const devAnchors = join(DEV_PKI_DIR, 'trust-anchors.pem');
  return signing.keyFile === undefined && existsSync(devAnchors) ? devAnchors : undefined;
}

const NO_HEADER = { note: 'the payload has no header (a single record)' };

/**
 * The payload's `header` when it is a packet, for display only. Decoded by the contract's codec
 * (xml-encoding.md): JSON reads the same for both kinds; an XML payload that is not a packet
 * (<goiTin>) is tried as one official's record (<hoSo>), and if it is neither the packet's
 * error is the one reported.
 */
function headerOf(verified: VerifiedEnvelope): unknown {
  const codec = createPayloadCodec(nationalContract());
  let packet: unknown;
  try {
    packet = codec.decode('packet', verified.format, verified.payload);
  } catch (asPacket) {
    if (verified.format !== 'xml') throw asPacket;
    try {
      codec.decode('record', verified.format, verified.payload);
    } catch {
      throw asPacket;
    }
    return NO_HEADER;
  }
  const header = typeof packet === 'object' && packet !== null ? (packet as { header?: unknown }).header : undefined;
  return header ?? NO_HEADER;
}

async function verify(argv: string[], io: CliIo, defaults: VerifyCommandDefaults): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { trust: { type: 'string' }, expect: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (file === undefined) {
    io.err('verify needs ENVELOPE.json');
    return 2;
  }
  const trustFile = values.trust ?? defaults.trustAnchorsFile ?? configuredTrustAnchors();
  if (trustFile === undefined) {
    io.err('verify needs --trust ANCHORS.pem (or TRUST_ANCHORS_FILE in the configuration)');
    return 2;
  }
  const anchors = parseTrustAnchors((await readFile(trustFile)).toString('utf8'), trustFile);
  let envelope: unknown;
  try {
    envelope = JSON.parse((await readFile(file)).toString('utf8'));
  } catch (err) {
    io.err(`BAD_ENVELOPE: ${file} is not JSON (${(err as Error).message})`);
    return 1;
  }
  const verified = verifyEnvelope(envelope, { trustAnchors: anchors, expectedSigner: values.expect ?? MINISTRY_AGENCY_CODE });
  io.out(`verified: signed by ${verified.signer.subject} at ${verified.signingTime.toISOString()}`);
  io.out(`signer sha256: ${verified.signer.fingerprint}`);
  io.out(`format: ${verified.format}, ${verified.payload.length} bytes`);
  io.out(JSON.stringify(headerOf(verified), null, 2));
  return 0;
}

export function createVerifyCommand(defaults: VerifyCommandDefaults = {}): CliCommand {
  return {
    name: 'verify',
    summary: 'Verify a saved signed envelope and print its header',
    usage: USAGE,
    async run(argv, io) {
      try {
        return await verify(argv, io, defaults);
      } catch (err) {
        // Bad options and configuration go to the dispatcher: one line, a pointer to --help, exit 2.
        if (isUsageError(err)) throw err;
        io.err(describeError(err));
        return 1;
      }
    },
  };
}

export const verifyCommand = createVerifyCommand();
