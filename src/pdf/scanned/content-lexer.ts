// Splits a PDF content stream into operators and their operands, reading nothing an image holds.
// Written by hand rather than taken from pdf.js's getOperatorList, which decodes every image on the way.

/** A content-stream operand: numbers and names are kept, anything else (strings, arrays, dicts) is a placeholder. */
export type Operand = number | { name: string } | null;

/** Splits a content stream into operators with their operands; stops after an inline image's BI. */
export function* lexContentOps(bytes: Uint8Array): Generator<{ op: string; operands: Operand[] }> {
  let operands: Operand[] = [];
  let nesting = 0;
  let i = 0;
  const n = bytes.length;
  const push = (operand: Operand): void => {
    if (nesting === 0) operands.push(operand);
  };
  while (i < n) {
    const c = bytes[i] as number;
    if (isWhite(c)) {
      i++;
    } else if (c === 0x25 /* % */) {
      while (i < n && bytes[i] !== 0x0a && bytes[i] !== 0x0d) i++;
    } else if (c === 0x2f /* / */) {
      let j = i + 1;
      while (j < n && isRegular(bytes[j] as number)) j++;
      push({ name: decodeName(bytes.subarray(i + 1, j)) });
      i = j;
    } else if (c === 0x28 /* ( */) {
      let depth = 1;
      i++;
      while (i < n && depth > 0) {
        const d = bytes[i] as number;
        if (d === 0x5c) i++;
        else if (d === 0x28) depth++;
        else if (d === 0x29) depth--;
        i++;
      }
      push(null);
    } else if (c === 0x3c /* < */) {
      if (bytes[i + 1] === 0x3c) {
        nesting++;
        i += 2;
      } else {
        while (i < n && bytes[i] !== 0x3e) i++;
        i++;
        push(null);
      }
    } else if (c === 0x3e /* > */) {
      if (bytes[i + 1] === 0x3e) {
        nesting = Math.max(0, nesting - 1);
        i += 2;
        push(null);
      } else {
        i++;
      }
    } else if (c === 0x5b /* [ */) {
      nesting++;
      i++;
    } else if (c === 0x5d /* ] */) {
      nesting = Math.max(0, nesting - 1);
      i++;
      push(null);
    } else if (c === 0x7b || c === 0x7d || c === 0x29) {
      i++;
    } else {
      let j = i;
      while (j < n && isRegular(bytes[j] as number)) j++;
      if (j === i) j++;
      const token = latin1(bytes, i, j);
      i = j;
      const number = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(token) ? Number(token) : undefined;
      if (number !== undefined) push(number);
      else if (token === 'true' || token === 'false' || token === 'null') push(null);
      else if (nesting === 0) {
        yield { op: token, operands };
        operands = [];
        if (token === 'BI') return;
      }
    }
  }
}

function isWhite(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
}

function isRegular(c: number): boolean {
  return !isWhite(c) && !'()<>[]{}/%'.includes(String.fromCharCode(c));
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

function decodeName(raw: Uint8Array): string {
  return latin1(raw, 0, raw.length).replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
