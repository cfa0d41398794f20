// Draws barcodes with ZXing-C++'s writer (zxing-wasm), whose WebAssembly is read from node_modules, never fetched.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';

export const zxingWriterWasmPath = fileURLToPath(import.meta.resolve('zxing-wasm/writer/zxing_writer.wasm'));

/** A symbol as modules: `dark[y * width + x]`, no quiet zone (the page layout leaves its own). */
export interface BarcodeModules {
  width: number;
  height: number;
  dark: boolean[];
}

export type WrittenFormat = 'QRCode' | 'Code128' | 'Code39';

let writerReady: Promise<unknown> | undefined;

function loadWriter(): Promise<unknown> {
  writerReady ??= readFile(zxingWriterWasmPath).then(
    (bytes) =>
      prepareZXingModule({
        overrides: {
          wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
          locateFile: (file: string) => (file.endsWith('.wasm') ? zxingWriterWasmPath : file),
        },
        fireImmediately: true,
      }),
    (err: unknown) => {
      writerReady = undefined;
      throw new Error(`cannot read the barcode writer's WebAssembly at ${zxingWriterWasmPath}; reinstall the dependencies with "npm ci"`, { cause: err });
    },
  );
  return writerReady;
}

/**
 * The modules of one symbol. QR codes get error correction level Q (25 %): a sheet is handled, stapled and
 * scanned at fax quality, and the payload is short, so the larger symbol costs nothing that matters.
 */
export async function barcodeModules(text: string, format: WrittenFormat = 'QRCode'): Promise<BarcodeModules> {
  await loadWriter();
  const written = await writeBarcode(text, { format, scale: 1, withQuietZones: false, ...(format === 'QRCode' ? { ecLevel: 'Q' as const } : {}) });
  if (written.error) throw new Error(`cannot draw ${format} for ${JSON.stringify(text.slice(0, 40))}: ${written.error}`);
  const { width, height, data } = written.symbol;
  return { width, height, dark: Array.from(data, (value) => value < 128) };
}
