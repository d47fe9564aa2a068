// The report's picture of V6/V7, as the tutorial's Wireshark screenshots told it: a row per
// balancer with a tick for each announcement it sent, the master's silence shaded, power off,
// the gratuitous ARP and power on marked.
import type { PacketChart } from '../check.ts';
import { escape } from './escape-markup.ts';
import { english, type Speaker } from '../../said.ts';

const ROW = 34;

export function packetChartSvg(chart: PacketChart, say: Speaker = english, width = 760): string {
  const left = 80;
  const right = 20;
  const top = 40;
  const rowsHeight = chart.series.length * ROW;
  const height = top + rowsHeight + 30 + chart.marks.length * 13;
  const span = Math.max(1, chart.seconds);
  const x = (s: number) => left + (Math.min(Math.max(s, 0), span) / span) * (width - left - right);
  const shaded = chart.spans
    .map(
      (s) =>
        `<rect x="${x(s.from).toFixed(1)}" y="${top - 4}" width="${Math.max(1, x(s.to) - x(s.from)).toFixed(1)}" height="${rowsHeight + 4}" fill="#f6e3c4"><title>${escape(s.label)}: ${s.from.toFixed(1)}–${s.to.toFixed(1)} s</title></rect><text x="${((x(s.from) + x(s.to)) / 2).toFixed(1)}" y="${top - 8}" font-size="10" text-anchor="middle" fill="#8a5a00">${escape(s.label)}</text>`,
    )
    .join('\n  ');
  const packets = (n: number) => say(`${n} packets`, `${n} ${n === 1 ? 'paquete' : 'paquetes'}`);
  const rows = chart.series
    .map((series, i) => {
      const y = top + i * ROW;
      const ticks = series.times
        .map(
          (t) =>
            `<line x1="${x(t).toFixed(1)}" y1="${y + 6}" x2="${x(t).toFixed(1)}" y2="${y + ROW - 8}" stroke="#2e6db0" stroke-width="1.5"/>`,
        )
        .join('');
      return `<text x="${left - 6}" y="${y + ROW / 2 + 3}" font-size="11" text-anchor="end">${escape(series.label)}</text><line x1="${left}" y1="${y + ROW - 4}" x2="${width - right}" y2="${y + ROW - 4}" stroke="#ddd"/>${ticks}<text x="${width - right}" y="${y + 10}" font-size="9" text-anchor="end" fill="#666">${packets(series.times.length)}</text>`;
    })
    .join('\n  ');
  const marks = chart.marks
    .map((m, i) => {
      const mx = x(m.at).toFixed(1);
      const ly = top + rowsHeight + 14 + i * 13;
      return `<line x1="${mx}" y1="${top - 4}" x2="${mx}" y2="${ly - 9}" stroke="#b3261e" stroke-dasharray="3,2"/><text x="${mx}" y="${ly}" font-size="10" text-anchor="${x(m.at) > width * 0.7 ? 'end' : 'start'}" fill="#b3261e">${escape(m.label)} (${m.at.toFixed(1)} s)</text>`;
    })
    .join('\n  ');
  const legend = say(
    `a tick per packet, seconds from the start of the capture (${span.toFixed(0)} s)`,
    `una marca por paquete, segundos desde el inicio de la captura (${span.toFixed(0)} s)`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
  <text x="${left}" y="16" font-size="13" font-weight="bold">${escape(chart.title)}</text>
  <text x="${left}" y="29" font-size="10" fill="#444">${escape(legend)}</text>
  ${shaded}
  ${rows}
  ${marks}
</svg>
`;
}
