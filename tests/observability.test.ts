/**
 * The dashboard and the alert rules under observability/ are code: they parse, every PromQL
 * expression in them is valid (Prometheus' own grammar), and every metric they name is one our
 * processes export (or Prometheus' own `up`), so a renamed metric cannot leave a silent alert.
 */
import { collectDefaultMetricsOnce, metricsRegistry, REPO_ROOT } from '@marketplace/runtime';
import { parser } from '@prometheus-io/lezer-promql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const read = (path: string) => readFileSync(join(REPO_ROOT, 'observability', path), 'utf8');

/** Every sample name our processes can export: each metric, and a histogram's _bucket, _sum and _count. */
async function exportedNames(): Promise<Set<string>> {
  collectDefaultMetricsOnce();
  const names = new Set(['up']); // written by Prometheus for each scrape target
  for (const metric of await metricsRegistry.getMetricsAsJSON()) {
    names.add(metric.name);
    // prom-client types `type` as a numeric enum; at run time it is the Prometheus type's name.
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

/** The metric names a PromQL expression selects; throws on a syntax error. */
function selectedMetrics(expr: string): string[] {
  const names: string[] = [];
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.push(expr.slice(node.from, node.to));
    },
  });
  if (errors.length) throw new Error(`PromQL syntax error at ${errors[0]} in: ${expr}`);
  return names;
}

interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

describe('alert rules', () => {
  const rules = (parseYaml(read('prometheus/alerts.yml')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

  it('cover the error rate, checkout p95, relay lag, an open breaker and a subgraph down', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['GraphErrorRateHigh', 'CheckoutSlow', 'OutboxRelayLagging', 'CircuitBreakerOpen', 'SubgraphDown']),
    );
    for (const rule of rules) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['page', 'ticket'], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary && rule.annotations.description, rule.alert).toBeTruthy();
    }
  });

  it('are valid PromQL naming only metrics that exist', async () => {
    const exported = await exportedNames();
    for (const rule of rules) {
      const names = selectedMetrics(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      for (const name of names) expect(exported, `${rule.alert}: ${name}`).toContain(name);
    }
  });

  it('the example scrape configuration loads them', () => {
    const config = parseYaml(read('prometheus/prometheus.yml')) as { rule_files: string[]; scrape_configs: { job_name: string }[] };
    expect(config.rule_files).toContain('alerts.yml');
    // SubgraphDown's `up{job="marketplace"}` is this job.
    expect(config.scrape_configs.map((c) => c.job_name)).toContain('marketplace');
  });
});

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(read('grafana/marketplace.json')) as {
    uid: string;
    panels: { type: string; title: string; targets?: { expr: string }[] }[];
  };

  it('queries only metrics that exist, in valid PromQL', async () => {
    const exported = await exportedNames();
    const graphs = dashboard.panels.filter((p) => p.type !== 'row');
    expect(graphs.length).toBeGreaterThan(10);
    for (const panel of graphs) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets!) {
        // Grafana's own variables are not PromQL: give them a value as Grafana would.
        const promql = expr.replaceAll('$__rate_interval', '1m').replaceAll('$service', '.*');
        for (const name of selectedMetrics(promql)) expect(exported, `${panel.title}: ${name}`).toContain(name);
      }
    }
  });

  it('shows every metric the processes export for the graph (none is left off the dashboard)', async () => {
    const queried = new Set(dashboard.panels.flatMap((p) => p.targets ?? []).flatMap(({ expr }) => selectedMetrics(expr.replaceAll('$__rate_interval', '1m').replaceAll('$service', '.*'))));
    const ours = (await metricsRegistry.getMetricsAsJSON()).map((m) => m.name).filter((name) => !/^(process_|nodejs_)/.test(name));
    const missing = ours.filter((name) => ![name, `${name}_bucket`, `${name}_count`].some((n) => queried.has(n)));
    expect(missing).toEqual([]);
  });
});
