import { child, children, contextTag, decodeOid, DerError, readSingle, TAG, type Tlv } from './der.js';
import { OID } from './oids.js';

/**
 * Reads a DER CMS ContentInfo(SignedData) (RFC 5652 5) into the parts the verifier checks,
 * keeping the exact bytes of the signed attributes. Structure only: it decides nothing about
 * trust and throws DerError for anything that is not a SignedData with exactly one signer.
 */
export type SignerIdentifier = { issuer: Buffer; serial: Buffer } | { subjectKeyIdentifier: Buffer };

export interface ParsedSignerInfo {
  sid: SignerIdentifier;
  digestAlgorithm: string;
  /** The signed attributes re-tagged as the DER SET OF (0x31) that the signature covers. */
  signedAttributes: Buffer | undefined;
  /** Attribute values by type; each type occurs at most once (RFC 5652 5.3). */
  attributes: Map<string, Tlv[]>;
  signatureAlgorithm: string;
  signature: Buffer;
}

export interface ParsedSignedData {
  encapContentType: string;
  /** True when the SignedData encapsulates its content (the contract wants it detached). */
  hasContent: boolean;
  certificates: Buffer[];
  signer: ParsedSignerInfo;
}

function algorithmOid(tlv: Tlv): string {
  return decodeOid(child(tlv, 0));
}

function readAttributes(implicitSet: Tlv): { der: Buffer; attributes: Map<string, Tlv[]> } {
  const attributes = new Map<string, Tlv[]>();
  for (const attribute of children(implicitSet)) {
    const type = decodeOid(child(attribute, 0));
    if (attributes.has(type)) throw new DerError(`signed attribute ${type} occurs twice`);
    attributes.set(type, children(child(attribute, 1, TAG.SET)));
  }
  const der = Buffer.from(implicitSet.raw);
  der[0] = TAG.SET;
  return { der, attributes };
}

function readSignerInfo(info: Tlv): ParsedSignerInfo {
  const parts = children(info);
  const [, sidTlv, digest] = parts;
  if (sidTlv === undefined || digest === undefined) throw new DerError('SignerInfo is incomplete');
  let sid: SignerIdentifier;
  if (sidTlv.tag === TAG.SEQUENCE) {
    sid = { issuer: Buffer.from(child(sidTlv, 0, TAG.SEQUENCE).raw), serial: Buffer.from(child(sidTlv, 1, TAG.INTEGER).raw) };
  } else if (sidTlv.tag === 0x80) {
    sid = { subjectKeyIdentifier: Buffer.from(sidTlv.content) };
  } else {
    throw new DerError('unknown SignerIdentifier');
  }
  let index = 3;
  let signed: { der: Buffer; attributes: Map<string, Tlv[]> } | undefined;
  if (parts[index]?.tag === contextTag(0)) {
    signed = readAttributes(parts[index] as Tlv);
    index += 1;
  }
  const signatureAlgorithm = parts[index];
  const signature = parts[index + 1];
  if (signatureAlgorithm === undefined || signature?.tag !== TAG.OCTET_STRING) {
    throw new DerError('SignerInfo has no signature');
  }
  return {
    sid,
    digestAlgorithm: algorithmOid(digest),
    signedAttributes: signed?.der,
    attributes: signed?.attributes ?? new Map(),
    signatureAlgorithm: algorithmOid(signatureAlgorithm),
    signature: Buffer.from(signature.content),
  };
}

export function parseSignedData(der: Buffer): ParsedSignedData {
  const contentInfo = readSingle(der, TAG.SEQUENCE);
  if (decodeOid(child(contentInfo, 0)) !== OID.signedData) throw new DerError('not a CMS SignedData');
  const signedData = child(child(contentInfo, 1, contextTag(0)), 0, TAG.SEQUENCE);
  const fields = children(signedData);
  const encap = fields[2];
  if (encap?.tag !== TAG.SEQUENCE) throw new DerError('SignedData has no encapContentInfo');
  const certificates: Buffer[] = [];
  let signerInfos: Tlv | undefined;
  for (const field of fields.slice(3)) {
    if (field.tag === contextTag(0)) {
      // CertificateChoices: plain certificates are SEQUENCEs; other choices are tagged.
      for (const choice of children(field)) if (choice.tag === TAG.SEQUENCE) certificates.push(Buffer.from(choice.raw));
    } else if (field.tag === TAG.SET) {
      signerInfos = field;
    }
  }
  if (signerInfos === undefined) throw new DerError('SignedData has no signerInfos');
  const signers = children(signerInfos);
  if (signers.length !== 1 || signers[0] === undefined) {
    throw new DerError(`SignedData has ${signers.length} signers; the contract expects exactly one`);
  }
  return {
    encapContentType: decodeOid(child(encap, 0)),
    hasContent: children(encap).length > 1,
    certificates,
    signer: readSignerInfo(signers[0]),
  };
}
