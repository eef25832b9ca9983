// Hand-made horizontal SVG bar chart: one bar per row, optional stacked segments.
import './BarChart.css';

export interface Segment {
  value: number;
  /** css class suffix for the colour, e.g. "ok", "warn" */
  tone: string;
  label: string;
}
export interface Bar {
  label: string;
  segments: Segment[];
}

interface Props {
  title: string;
  bars: Bar[];
  testid?: string;
}

const ROW = 28;
const LABEL_W = 120;
const W = 480;
const VALUE_W = 40;

export function BarChart({ title, bars, testid }: Props) {
  const totals = bars.map((b) => b.segments.reduce((s, x) => s + x.value, 0));
  const max = Math.max(1, ...totals);
  const plotW = W - LABEL_W - VALUE_W;
  const h = bars.length * ROW + 4;
  const legend = Array.from(new Map(bars.flatMap((b) => b.segments.map((s) => [s.tone, s.label] as const))).entries());
  const summary = bars.map((b, i) => `${b.label}: ${totals[i]}`).join('; ');
  return (
    <figure class="barchart" data-testid={testid}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-label={`${title}. ${summary}`} preserveAspectRatio="xMinYMin meet">
        {bars.map((b, i) => {
          let x = LABEL_W;
          const y = i * ROW + 4;
          return (
            <g key={b.label}>
              <text x={LABEL_W - 6} y={y + ROW / 2} class="bc-label" text-anchor="end" dominant-baseline="middle">
                {b.label.length > 16 ? `${b.label.slice(0, 15)}…` : b.label}
              </text>
              {b.segments.map((s, j) => {
                const w = (s.value / max) * plotW;
                // A stacked bar says each part's number inside it (a tooltip is lost on paper).
                const r = (
                  <g key={j}>
                    <rect x={x} y={y + 4} width={Math.max(0, w)} height={ROW - 10} class={`bc-bar bc-${s.tone}`}>
                      <title>{`${b.label} · ${s.label}: ${s.value}`}</title>
                    </rect>
                    {b.segments.length > 1 && s.value > 0 && w >= 16 && (
                      <text x={x + w / 2} y={y + ROW / 2} class={`bc-in bc-in-${s.tone}`} text-anchor="middle" dominant-baseline="middle" aria-hidden="true">
                        {s.value}
                      </text>
                    )}
                  </g>
                );
                x += w;
                return r;
              })}
              <text x={x + 4} y={y + ROW / 2} class="bc-value" dominant-baseline="middle">
                {totals[i]}
              </text>
            </g>
          );
        })}
      </svg>
      {legend.length > 1 && (
        <ul class="bc-legend">
          {legend.map(([tone, label]) => (
            <li key={tone}>
              <span class={`bc-swatch bc-${tone}`} aria-hidden="true" />
              {label}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
