// What a PDF's digital signature says and whether it holds, as the record keeps it (read by pdf/pdf-signatures.ts).
export interface PdfSignature {
  /** The signature field's name (/T), when it has one. */
  field?: string;
  /** /SubFilter: adbe.pkcs7.detached, ETSI.CAdES.detached, adbe.pkcs7.sha1… */
  subFilter?: string;
  signer: { commonName?: string; organization?: string; organizationalUnit?: string; locality?: string; province?: string; country?: string };
  /** From the CMS signed attributes, else the dictionary's /M; ISO 8601 in UTC. */
  signingTime?: string;
  /** The certificate's issuer (the certification authority), by its common name. */
  issuer?: string;
  /** The signed byte ranges run from the first byte to the last with only the signature itself left out. */
  coversWholeFile: boolean;
  /** The digest of the signed bytes equals the one in the signature; undefined when it could not be computed. */
  digestValid?: boolean;
  /** The certificate's public key verifies the signed attributes; undefined when the algorithm is not supported. */
  signatureValid?: boolean;
  /** No trust store is configured, so whether the certificate chains to a trusted root is not known. */
  trust: 'unknown';
  /** Why a check could not be made, for a person. */
  problems: string[];
}
