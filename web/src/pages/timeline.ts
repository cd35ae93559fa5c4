/** The expiry timeline: certificates expiring per week for the next 26 weeks, stacked by owner or by severity. */
import type { Chart as ChartJs } from 'chart.js';
import type { VNode } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { html } from '../html.js';
import type { TimelineWeek } from '../types.js';

/** Chart.js's self-contained build, loaded by a script tag of the page (it defines the global `Chart`). */
const ChartCtor = (): typeof ChartJs => (globalThis as unknown as { Chart: typeof ChartJs }).Chart;

const SEVERITY_COLOURS: Record<string, string> = {
  critical: '#7f1d1d',
  high: '#dc2626',
  medium: '#f59e0b',
  low: '#3b82f6',
  info: '#94a3b8',
  none: '#cbd5e1',
};
const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#db2777', '#65a30d', '#475569'];

export type StackBy = 'owner' | 'severity';

export function Timeline({ weeks, stackBy }: { weeks: TimelineWeek[]; stackBy: StackBy }): VNode {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current === null) return;
    const pick = (w: TimelineWeek): Record<string, number> =>
      stackBy === 'owner' ? w.byOwner : w.bySeverity;
    const keys = [...new Set(weeks.flatMap((w) => Object.keys(pick(w))))].sort();
    const chart = new (ChartCtor())(canvas.current, {
      type: 'bar',
      data: {
        labels: weeks.map((w) => w.start.slice(5, 10)),
        datasets: keys.map((key, i) => ({
          label: key === '' ? 'unowned' : key,
          data: weeks.map((w) => pick(w)[key] ?? 0),
          backgroundColor:
            stackBy === 'severity' ? (SEVERITY_COLOURS[key] ?? '#64748b') : PALETTE[i % PALETTE.length],
        })),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true, title: { display: true, text: 'week starting' } },
          y: {
            stacked: true,
            beginAtZero: true,
            ticks: { precision: 0 },
            title: { display: true, text: 'certificates' },
          },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    });
    return () => chart.destroy();
  }, [weeks, stackBy]);
  const total = weeks.reduce((n, w) => n + w.total, 0);
  return html`<div class="chart" data-testid="timeline" data-total=${total}>
    <canvas ref=${canvas}></canvas>
  </div>`;
}
