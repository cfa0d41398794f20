// A strict reader of the Prometheus text exposition format (0.0.4), so tests check what a scraper would read.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

const metricName = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const sampleLine = new RegExp(`^(${metricName})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;

/** Throws on the first line a Prometheus server would reject. */
export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  text.split('\n').forEach((line, index) => {
    const fail = (why: string) => new Error(`line ${index + 1}: ${why}: ${JSON.stringify(line)}`);
    if (line === '') return;
    if (line.startsWith('# HELP ')) {
      const [, name, rest] = /^# HELP (\S+) ?(.*)$/.exec(line) ?? [];
      if (!name) throw fail('bad HELP');
      help.set(name, rest ?? '');
      return;
    }
    if (line.startsWith('# TYPE ')) {
      const [, name, type] = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line) ?? [];
      if (!name || !type) throw fail('bad TYPE');
      if (types.has(name)) throw fail('second TYPE for one metric');
      types.set(name, type);
      return;
    }
    if (line.startsWith('#')) return;
    const match = sampleLine.exec(line);
    if (!match) throw fail('not a sample');
    const [, name, labelText, valueText] = match;
    const labels: Record<string, string> = {};
    if (labelText) {
      labelPair.lastIndex = 0;
      while (labelPair.lastIndex < labelText.length) {
        const pair = labelPair.exec(labelText);
        if (!pair) throw fail('bad labels');
        labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      }
    }
    // Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case.
    const special: Record<string, number> = { '+inf': Infinity, inf: Infinity, '-inf': -Infinity, nan: NaN };
    const lower = (valueText as string).toLowerCase();
    const value = lower in special ? (special[lower] as number) : Number(valueText);
    if (Number.isNaN(value) && lower !== 'nan') throw fail('bad value');
    samples.push({ name: name as string, labels, value });
  });
  return { types, help, samples };
}

/** The value of the one sample with this name and these labels (others may be present); undefined when absent. */
export function sampleValue(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = exposition.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples match ${name} ${JSON.stringify(labels)}; name more labels`);
  return found[0]?.value;
}
