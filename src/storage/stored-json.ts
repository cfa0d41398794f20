// The content types of the outputs, and the one way a JSON output is written: two-space indented, a final newline.
export const contentTypes = {
  pdf: 'application/pdf',
  txt: 'text/plain; charset=utf-8',
  json: 'application/json',
  xml: 'application/xml',
} as const;

export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}
