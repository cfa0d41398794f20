// Reading the digital signatures of input PDFs: signer, time, coverage, digest and signature checks.
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { pdfDate, readPdfSignatures } from '../../../src/pdf/pdf-signatures.ts';
import { signPdf } from '../../fixtures/pdf/signed-pdf.ts';

const signer = { commonName: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI', organization: 'Văn phòng UBND tỉnh Lào Cai', locality: 'Lào Cai' };
const signingTime = new Date('2025-01-16T00:46:10Z');

async function unsigned(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595.28, 841.89]);
  return doc.save();
}

async function signatures(bytes: Uint8Array) {
  return readPdfSignatures(await PDFDocument.load(bytes, { ignoreEncryption: true }), bytes);
}

describe('readPdfSignatures', () => {
  it('reads the signer, the signing time and the checks of a signed PDF', async () => {
    const signed = await signPdf(await unsigned(), signer, signingTime);
    expect(await signatures(signed)).toEqual([
      {
        field: 'Chữ ký số 1',
        subFilter: 'adbe.pkcs7.detached',
        signer: { commonName: signer.commonName, organization: signer.organization, locality: signer.locality, country: 'VN' },
        issuer: signer.commonName,
        signingTime: '2025-01-16T00:46:10Z',
        coversWholeFile: true,
        digestValid: true,
        signatureValid: true,
        trust: 'unknown',
        problems: [],
      },
    ]);
  });

  it('sees a signed byte changed, and bytes added after signing', async () => {
    const signed = await signPdf(await unsigned(), signer, signingTime);
    const changed = new Uint8Array(signed);
    changed[20] = changed[20]! ^ 1;
    expect((await signatures(changed))[0]).toMatchObject({ digestValid: false, signatureValid: true, coversWholeFile: true });
    const appended = new Uint8Array([...signed, ...new TextEncoder().encode('% an update after signing\n')]);
    expect((await signatures(appended))[0]).toMatchObject({ digestValid: true, coversWholeFile: false });
  });

  it('finds none in an unsigned PDF and says what it cannot read in a broken one', async () => {
    expect(await signatures(await unsigned())).toEqual([]);
    const signed = await signPdf(await unsigned(), signer, signingTime);
    const text = Buffer.from(signed).toString('latin1');
    const at = text.indexOf('/Contents <') + '/Contents <'.length;
    const broken = Buffer.from(signed);
    broken.write('ff', at, 'latin1');
    const [result] = await signatures(new Uint8Array(broken));
    expect(result?.problems[0]).toMatch(/cannot be read as CMS/);
    expect(result?.signingTime).toBe('2025-01-16T00:46:10Z');
  });

  it('reads PDF dates with their time zone', () => {
    expect(pdfDate("D:20250116074610+07'00'")).toBe('2025-01-16T00:46:10Z');
    expect(pdfDate('D:20250116')).toBe('2025-01-16T00:00:00Z');
    expect(pdfDate('yesterday')).toBeUndefined();
  });
});
