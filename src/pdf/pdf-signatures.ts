// The digital signatures of an input PDF: who signed, when, over which bytes, and whether the signature holds.
/*
 * Provincial e-office systems sign what they publish: the signer certificate names the issuing agency and the
 * signing time bounds the issue date, often better than the scanned page does. This reads each signature field
 * (ISO 32000 12.8: /ByteRange and a CMS SignedData in /Contents), checks that the digest of the signed bytes is
 * the one the signature holds and that the certificate's key verifies the signed attributes. Whether the
 * certificate chains to a trusted root is not judged here (no trust store is configured): `trust` says so.
 */
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, type PDFObject } from 'pdf-lib';
import { describeError } from '../domain/errors.ts';
import type { PdfSignature } from '../domain/signature.ts';
import { Asn1Error, childrenOf, contentOf, encodingOf, oidOf, readAsn1, Tag, textOf, timeOf, type Asn1 } from './der.ts';

export type { PdfSignature } from '../domain/signature.ts';

const oids = {
  signedData: '1.2.840.113549.1.7.2',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  commonName: '2.5.4.3',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  province: '2.5.4.8',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
} as const;

const digestNames: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Signature algorithms node verifies with PKCS #1 v1.5 or ECDSA once told the digest. */
const plainSignatureAlgorithms = new Set([
  '1.2.840.113549.1.1.1', // rsaEncryption
  '1.2.840.113549.1.1.5', // sha1WithRSAEncryption
  '1.2.840.113549.1.1.11', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12', // sha384WithRSAEncryption
  '1.2.840.113549.1.1.13', // sha512WithRSAEncryption
  '1.2.840.10045.4.1', // ecdsa-with-SHA1
  '1.2.840.10045.4.3.2', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3', // ecdsa-with-SHA384
  '1.2.840.10045.4.3.4', // ecdsa-with-SHA512
]);

/**
 * Every signature of a PDF, in the order of its form fields; [] for an unsigned one. In an encrypted file the
 * field names and /M dates are encrypted strings, so they are not read (the signature value never is encrypted).
 */
export function readPdfSignatures(doc: PDFDocument, bytes: Uint8Array): PdfSignature[] {
  const readable = !doc.isEncrypted;
  return signatureDictionaries(doc, readable).map(({ field, dict }) => readSignature(field, dict, bytes, readable));
}

/** /AcroForm /Fields and their /Kids, keeping those of type /Sig that carry a value. */
function signatureDictionaries(doc: PDFDocument, readStrings: boolean): { field?: string; dict: PDFDict }[] {
  const found: { field?: string; dict: PDFDict }[] = [];
  const form = lookupDict(doc, doc.catalog.get(PDFName.of('AcroForm')));
  const fields = form && lookup(doc, form.get(PDFName.of('Fields')));
  const seen = new Set<PDFDict>();
  const walk = (value: PDFObject | undefined, depth: number, inherited?: { type?: string; name?: string }) => {
    const dict = lookupDict(doc, value);
    if (!dict || seen.has(dict) || depth > 16) return;
    seen.add(dict);
    const type = nameOf(lookup(doc, dict.get(PDFName.of('FT')))) ?? inherited?.type;
    const own = readStrings ? stringOf(lookup(doc, dict.get(PDFName.of('T')))) : undefined;
    const name = own === undefined ? inherited?.name : inherited?.name ? `${inherited.name}.${own}` : own;
    const signature = lookupDict(doc, dict.get(PDFName.of('V')));
    if (type === 'Sig' && signature) found.push({ ...(name ? { field: name } : {}), dict: signature });
    const kids = lookup(doc, dict.get(PDFName.of('Kids')));
    if (kids instanceof PDFArray) for (const kid of kids.asArray()) walk(kid, depth + 1, { ...(type ? { type } : {}), ...(name ? { name } : {}) });
  };
  if (fields instanceof PDFArray) for (const field of fields.asArray()) walk(field, 0);
  return found;
}

function readSignature(field: string | undefined, dict: PDFDict, bytes: Uint8Array, readStrings: boolean): PdfSignature {
  const problems: string[] = [];
  const subFilter = nameOf(dict.get(PDFName.of('SubFilter')));
  const contents = dict.get(PDFName.of('Contents'));
  const cms = contents instanceof PDFHexString ? contents.asBytes() : contents instanceof PDFString ? contents.asBytes() : undefined;
  const ranges = numbersOf(dict.get(PDFName.of('ByteRange')));
  const coversWholeFile = ranges !== undefined && ranges.length === 4 && ranges[0] === 0 && ranges[2]! + ranges[3]! === bytes.length && ranges[1]! < ranges[2]!;
  const base = { ...(field ? { field } : {}), ...(subFilter ? { subFilter } : {}), coversWholeFile, trust: 'unknown' as const, problems };
  const dictionaryTime = readStrings ? pdfDate(stringOf(dict.get(PDFName.of('M')))) : undefined;
  if (!cms || cms.length === 0) {
    problems.push('the signature field holds no signature value');
    return { ...base, signer: {}, ...(dictionaryTime ? { signingTime: dictionaryTime } : {}) };
  }
  let parsed: ParsedCms;
  try {
    parsed = parseCms(cms);
  } catch (err) {
    problems.push(`the signature value cannot be read as CMS (${describeError(err)})`);
    return { ...base, signer: {}, ...(dictionaryTime ? { signingTime: dictionaryTime } : {}) };
  }
  const signingTime = parsed.signingTime ?? dictionaryTime;
  const result: PdfSignature = { ...base, signer: parsed.subject, ...(parsed.issuer ? { issuer: parsed.issuer } : {}), ...(signingTime ? { signingTime } : {}) };
  if (!ranges || ranges.length !== 4 || ranges.some((n) => !Number.isInteger(n) || n < 0) || ranges[0]! + ranges[1]! > bytes.length || ranges[2]! + ranges[3]! > bytes.length) {
    problems.push('the signed byte ranges (/ByteRange) do not fit the file');
  } else if (!parsed.digestName || !parsed.messageDigest) {
    problems.push(parsed.digestName ? 'the signature carries no message digest' : 'the digest algorithm is not one sohoa checks');
  } else {
    const hash = createHash(parsed.digestName);
    hash.update(bytes.subarray(ranges[0]!, ranges[0]! + ranges[1]!));
    hash.update(bytes.subarray(ranges[2]!, ranges[2]! + ranges[3]!));
    result.digestValid = Buffer.from(hash.digest()).equals(Buffer.from(parsed.messageDigest));
  }
  if (!parsed.certificate) problems.push('the signature does not include the signer certificate');
  else if (!parsed.signedAttributes || !parsed.digestName || !plainSignatureAlgorithms.has(parsed.signatureAlgorithm)) {
    problems.push(`the signature algorithm ${parsed.signatureAlgorithm} is not one sohoa checks`);
  } else {
    try {
      result.signatureValid = verifySignature(parsed.digestName, parsed.signedAttributes, new X509Certificate(parsed.certificate).publicKey, parsed.signature);
    } catch (err) {
      problems.push(`the signature could not be checked (${describeError(err)})`);
    }
  }
  return result;
}

interface ParsedCms {
  subject: PdfSignature['signer'];
  issuer?: string;
  certificate?: Uint8Array;
  digestName?: string;
  messageDigest?: Uint8Array;
  signingTime?: string;
  /** The signed attributes re-tagged as a SET: what the signature is computed over. */
  signedAttributes?: Uint8Array;
  signatureAlgorithm: string;
  signature: Uint8Array;
}

/** ContentInfo → SignedData → the first SignerInfo and the certificate it names. */
function parseCms(cms: Uint8Array): ParsedCms {
  // /Contents is zero-padded to its reserved size; the element's own length says where it ends.
  const info = readAsn1(cms);
  const [type, wrapped] = childrenOf(info);
  if (!type || oidOf(type) !== oids.signedData || !wrapped) throw new Asn1Error('not a CMS SignedData');
  const signedData = childrenOf(wrapped)[0];
  if (!signedData) throw new Asn1Error('empty SignedData');
  const parts = childrenOf(signedData);
  const certificates = parts.find((p) => p.tag === 0xa0);
  const signerInfos = parts.at(-1);
  const signerInfo = signerInfos && signerInfos.tag === Tag.set ? childrenOf(signerInfos)[0] : undefined;
  if (!signerInfo) throw new Asn1Error('no SignerInfo');
  const fields = childrenOf(signerInfo);
  const [, sid, digestAlgorithm] = fields;
  const attributes = fields.find((f) => f.tag === 0xa0);
  const afterAttributes = fields.slice(attributes ? fields.indexOf(attributes) + 1 : 3);
  const [signatureAlgorithm, signature] = afterAttributes;
  if (!sid || !digestAlgorithm || !signatureAlgorithm || !signature) throw new Asn1Error('incomplete SignerInfo');
  const digestOid = oidOf(childrenOf(digestAlgorithm)[0]!);
  const parsed: ParsedCms = {
    subject: {},
    ...(digestNames[digestOid] ? { digestName: digestNames[digestOid] } : {}),
    signatureAlgorithm: oidOf(childrenOf(signatureAlgorithm)[0]!),
    signature: contentOf(signature),
  };
  if (attributes) {
    const signedAttributes = new Uint8Array(encodingOf(attributes));
    signedAttributes[0] = Tag.set;
    parsed.signedAttributes = signedAttributes;
    for (const attribute of childrenOf(attributes)) {
      const [attrType, values] = childrenOf(attribute);
      const value = values && childrenOf(values)[0];
      if (!attrType || !value) continue;
      const oid = oidOf(attrType);
      if (oid === oids.messageDigest) parsed.messageDigest = contentOf(value);
      else if (oid === oids.signingTime) {
        const time = timeOf(value);
        if (time) parsed.signingTime = time;
      }
    }
  }
  const certificate = certificates ? pickCertificate(childrenOf(certificates), sid) : undefined;
  if (certificate) {
    parsed.certificate = encodingOf(certificate);
    const tbs = childrenOf(childrenOf(certificate)[0]!);
    const offset = tbs[0]?.tag === 0xa0 ? 1 : 0;
    parsed.subject = nameParts(tbs[offset + 4]);
    const issuer = nameParts(tbs[offset + 2]);
    if (issuer.commonName ?? issuer.organization) parsed.issuer = issuer.commonName ?? issuer.organization;
  }
  return parsed;
}

/** The certificate whose serial number the SignerInfo names; the first one when it names it by key id. */
function pickCertificate(certificates: Asn1[], sid: Asn1): Asn1 | undefined {
  const serial = sid.tag === Tag.sequence ? childrenOf(sid)[1] : undefined;
  if (serial) {
    const wanted = Buffer.from(contentOf(serial));
    for (const certificate of certificates) {
      const tbs = childrenOf(childrenOf(certificate)[0]!);
      const own = tbs[tbs[0]?.tag === 0xa0 ? 1 : 0];
      if (own && Buffer.from(contentOf(own)).equals(wanted)) return certificate;
    }
  }
  return certificates[0];
}

function nameParts(name: Asn1 | undefined): PdfSignature['signer'] {
  const parts: PdfSignature['signer'] = {};
  if (!name || name.tag !== Tag.sequence) return parts;
  const keys: Record<string, keyof PdfSignature['signer']> = {
    [oids.commonName]: 'commonName',
    [oids.organization]: 'organization',
    [oids.organizationalUnit]: 'organizationalUnit',
    [oids.locality]: 'locality',
    [oids.province]: 'province',
    [oids.country]: 'country',
  };
  for (const rdn of childrenOf(name)) {
    for (const attribute of childrenOf(rdn)) {
      const [type, value] = childrenOf(attribute);
      const key = type && keys[oidOf(type)];
      if (key && value && parts[key] === undefined) parts[key] = textOf(value).normalize('NFC');
    }
  }
  return parts;
}

/** `D:20250116074610+07'00'` as an ISO date-time in UTC. */
export function pdfDate(text: string | undefined): string | undefined {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?/u.exec(text ?? '');
  if (!m) return undefined;
  const [year, month = '01', day = '01', hour = '00', minute = '00', second = '00'] = m.slice(1, 7) as string[];
  const zone = m[7] && m[7] !== 'Z' ? `${m[7].slice(0, 3)}:${m[7].replace(/'/gu, '').slice(3, 5) || '00'}` : 'Z';
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${zone}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().replace('.000Z', 'Z');
}

function lookup(doc: PDFDocument, value: PDFObject | undefined): PDFObject | undefined {
  return value instanceof PDFRef ? doc.context.lookup(value) : value;
}

function lookupDict(doc: PDFDocument, value: PDFObject | undefined): PDFDict | undefined {
  const found = lookup(doc, value);
  return found instanceof PDFDict ? found : undefined;
}

function nameOf(value: PDFObject | undefined): string | undefined {
  return value instanceof PDFName ? value.decodeText() : undefined;
}

function stringOf(value: PDFObject | undefined): string | undefined {
  return value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined;
}

function numbersOf(value: PDFObject | undefined): number[] | undefined {
  if (!(value instanceof PDFArray)) return undefined;
  const numbers = value.asArray().map((v) => (v instanceof PDFNumber ? v.asNumber() : Number.NaN));
  return numbers.every((n) => Number.isFinite(n)) ? numbers : undefined;
}
