// Finds the line, column and reason of a JSON syntax error, for a manifest message a person can act on.

/**
 * Finds where and why JSON.parse failed. V8 gives a position for some errors and only a snippet for others,
 * so a small scanner walks the text instead; it runs only after JSON.parse has already refused the text.
 */
export function locateJsonError(text: string): { line: number; column: number; reason: string } {
  let at = 0;
  const fail = (reason: string): never => {
    throw new JsonSyntax(reason, at);
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text.charAt(at))) at++;
  };
  const char = (c: string, reason: string) => {
    if (text.charAt(at) !== c) fail(reason);
    at++;
  };
  const string = () => {
    char('"', 'expected a double-quoted text');
    for (;;) {
      const c = text.charAt(at);
      if (c === '' || c === '\n') fail('a text is not closed with "');
      if (c < ' ') fail('a text holds a control character; write it as \\n, \\t or \\u00XX');
      if (c === '"') return void at++;
      if (c === '\\') {
        const escape = /^\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(text.slice(at, at + 6));
        if (!escape) fail('a backslash must start an escape like \\\\ or \\"; write a path with forward slashes');
        at += escape?.[0].length ?? 1;
      } else at++;
    }
  };
  const value = (): void => {
    space();
    const c = text.charAt(at);
    if (c === '{') {
      at++;
      space();
      if (text.charAt(at) === '}') return void at++;
      for (;;) {
        space();
        if (text.charAt(at) !== '"') fail(text.charAt(at) === '}' ? 'a comma before "}" is not allowed' : 'expected a double-quoted key');
        string();
        space();
        char(':', "expected ':' after the key");
        value();
        space();
        if (text.charAt(at) === '}') return void at++;
        char(',', "expected ',' or '}' after a value");
      }
    }
    if (c === '[') {
      at++;
      space();
      if (text.charAt(at) === ']') return void at++;
      for (;;) {
        space();
        if (text.charAt(at) === ']' || text.charAt(at) === ',') fail('expected a value; remove the extra comma');
        value();
        space();
        if (text.charAt(at) === ']') return void at++;
        char(',', "expected ',' or ']' after a value");
      }
    }
    if (c === '"') return string();
    const literal = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(at, at + 400));
    if (!literal) fail(c === '' ? 'the text ends where a value was expected' : 'expected a value (text in double quotes, a number, an object or an array)');
    at += literal?.[0].length ?? 0;
  };
  let reason = 'not valid JSON';
  try {
    value();
    space();
    if (at < text.length) fail('unexpected text after the end of the manifest');
  } catch (err) {
    // Anything but our own signal is the call stack giving out on absurd nesting; report the spot reached.
    if (err instanceof JsonSyntax) [reason, at] = [err.message, err.offset];
    else reason = 'nested too deeply';
  }
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1, reason };
}

class JsonSyntax extends Error {
  readonly offset: number;
  constructor(reason: string, offset: number) {
    super(reason);
    this.offset = offset;
  }
}

