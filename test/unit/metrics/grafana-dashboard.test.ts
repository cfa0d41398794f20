import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../../src/metrics/metrics.ts';
import { parseExposition } from '../../support/prometheus-text.ts';

const dashboardPath = path.resolve(import.meta.dirname, '../../../grafana/sohoa-dashboard.json');

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Array<{ expr: string; refId: string }>;
}

describe('grafana/sohoa-dashboard.json', () => {
  it('queries only metrics sohoa exports, under their exported names', async () => {
    const dashboard = JSON.parse(await readFile(dashboardPath, 'utf8')) as { panels: Panel[]; templating: { list: Array<{ definition?: string }> } };
    const exported = parseExposition(await new Metrics().text());
    // Histograms are queried through their _bucket, _sum and _count series.
    const series = new Set(exported.samples.map((s) => s.name));
    const expressions = [...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)), ...dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : []))];
    const used = new Set(expressions.flatMap((expr) => expr.match(/\b(?:sohoa|process|nodejs)_[a-z_]+\b/g) ?? []));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((name) => !series.has(name))).toEqual([]);
    // Every sohoa metric has a panel.
    const families = [...exported.types.keys()].filter((name) => name.startsWith('sohoa_'));
    expect(families.filter((family) => ![...used].some((name) => name.startsWith(family)))).toEqual([]);
  });

  it('lays out panels without overlap, each with a title and a query', async () => {
    const { panels } = JSON.parse(await readFile(dashboardPath, 'utf8')) as { panels: Panel[] };
    const cells = new Map<string, string>();
    for (const panel of panels) {
      expect(panel.title).not.toBe('');
      if (panel.type !== 'row') expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      const { x, y, w, h } = panel.gridPos;
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
      for (let cx = x; cx < x + w; cx++) {
        for (let cy = y; cy < y + h; cy++) {
          const taken = cells.get(`${cx},${cy}`);
          expect(taken, `${panel.title} overlaps ${taken}`).toBeUndefined();
          cells.set(`${cx},${cy}`, panel.title);
        }
      }
    }
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  });
});
