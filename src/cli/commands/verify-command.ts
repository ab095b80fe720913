import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseStringPromise } from 'xml2js';
import { describeError } from '../../errors.js';
import { MINISTRY_CODE } from '../../signing/dev-pki.js';
import { verifyEnvelope, type VerifiedEnvelope } from '../../signing/envelope-verifier.js';
import { parseTrustAnchors } from '../../signing/trust-anchors.js';
import type { CliCommand, CliIo } from '../command.js';

/**
 * `csdl-gateway verify ENVELOPE.json --trust ANCHORS.pem [--expect CODE]` (issue 4): verifies a
 * saved envelope and, only once it verified, prints the payload's header.
 */
export interface VerifyCommandDefaults {
  /** TRUST_ANCHORS_FILE from the configuration, used when --trust is absent. */
  trustAnchorsFile?: string;
}

const USAGE = `Usage:
  csdl-gateway verify ENVELOPE.json --trust ANCHORS.pem [--expect CODE]
      Verify a saved envelope: shape, signature over the payload bytes, chain to a trust
      anchor, validity at signingTime and the signer's OU (default 000.00.00.G09, the Ministry).
      Prints the payload's header on success; the error code and message otherwise (exit 1).
Example:
  csdl-gateway verify out/packet-1.json --trust certs/dev/trust-anchors.pem --expect 000.00.00.H62`;

/** The payload's `header` (a packet) or `soDinhDanh`-level fields of a record, for display only. */
async function headerOf(verified: VerifiedEnvelope): Promise<unknown> {
  const text = verified.payload.toString('utf8');
  if (verified.format === 'json') {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return parsed.header ?? { note: 'the payload has no header (a single record)' };
  }
  const parsed = (await parseStringPromise(text, { explicitArray: false, ignoreAttrs: true })) as Record<string, Record<string, unknown>>;
  const root = parsed.goiTin ?? parsed.hoSo ?? {};
  return root.header ?? { note: 'the payload has no header (a single record)' };
}

async function verify(argv: string[], io: CliIo, defaults: VerifyCommandDefaults): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { trust: { type: 'string' }, expect: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  const trustFile = values.trust ?? defaults.trustAnchorsFile;
  if (file === undefined || trustFile === undefined) {
    io.err('verify needs ENVELOPE.json and --trust ANCHORS.pem');
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
  const verified = verifyEnvelope(envelope, { trustAnchors: anchors, expectedSigner: values.expect ?? MINISTRY_CODE });
  io.out(`verified: signed by ${verified.signer.subject} at ${verified.signingTime.toISOString()}`);
  io.out(`signer sha256: ${verified.signer.fingerprint}`);
  io.out(`format: ${verified.format}, ${verified.payload.length} bytes`);
  io.out(JSON.stringify(await headerOf(verified), null, 2));
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
        io.err(describeError(err));
        return 1;
      }
    },
  };
}

export const verifyCommand = createVerifyCommand();
