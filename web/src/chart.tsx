import { useEffect, useRef } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { chartValue, formatMoney, label } from './money';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const COLORS = ['#0b5cad', '#16703a', '#b35c00', '#7a3ea1', '#b3261e', '#00838f', '#5d6b00', '#8c5a3c'];

export interface Series {
  key: string;
  values: string[]; // decimal strings, one per category
}

/**
 * A stacked bar chart of money over categories (runs). Bars are placed from the decimal strings;
 * every label and tooltip shows the API's own string, formatted, never a recomputed number.
 */
export function StackedBars({ categories, series, title }: { categories: string[]; series: Series[]; title: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = new Chart(ref.current, {
      type: 'bar',
      data: {
        labels: categories,
        datasets: series.map((s, i) => ({ label: label(s.key), data: s.values.map(chartValue), backgroundColor: COLORS[i % COLORS.length] })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { stacked: true }, y: { stacked: true, ticks: { callback: (v) => '$' + v } } },
        plugins: {
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${formatMoney(series[ctx.datasetIndex].values[ctx.dataIndex])}` } },
          legend: { position: 'bottom' },
        },
      },
    });
    return () => chart.destroy();
  }, [JSON.stringify(categories), JSON.stringify(series)]);
  return (
    <div class="chart-box">
      <canvas ref={ref} role="img" aria-label={title + ' (the table below has the same figures)'} />
    </div>
  );
}
