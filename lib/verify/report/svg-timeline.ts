// The picture the tutorial's screenshots stood for: each request of a check as a bar, green when
// the site answered and red when it did not, on a time axis with power off/on and takeover marked.
import type { Timeline } from '../steady-load.ts';
import { escape } from './escape-markup.ts';
import { english, type Speaker } from '../../said.ts';

const LANE_HEIGHT = 18;

export function timelineSvg(title: string, timeline: Timeline, say: Speaker = english, width = 760): string {
  const lanes = timeline.lanes ?? [];
  const laneTop = 165;
  const height = laneTop + lanes.length * LANE_HEIGHT + (lanes.length > 0 ? 8 : 0);
  const left = 40;
  const right = 20;
  const top = 50;
  const barHeight = 40;
  const last = Math.max(1, ...timeline.samples.map((s) => s.at + s.took), ...timeline.events.map((e) => e.at)) + 0.5;
  const x = (seconds: number) => left + (seconds / last) * (width - left - right);
  // Each request spans from when it was sent to when it was answered or given up.
  const color = (s: Timeline['samples'][number]) => (!s.ok ? '#d23c3c' : s.took >= 1 ? '#e0a020' : '#2e9d4f');
  const bars = timeline.samples
    .map((s) => {
      const w = Math.max(1, x(s.at + s.took) - x(s.at) - 0.5);
      const via = s.via ? say(` through ${escape(s.via)}`, ` a través de ${escape(s.via)}`) : '';
      const took = s.took.toFixed(2);
      const server = escape(s.server ?? '?');
      const what = s.ok
        ? say(`answered by ${server}${via} in ${took} s`, `respondida por ${server}${via} en ${took} s`)
        : say(`no answer within ${took} s${via}`, `sin respuesta en ${took} s${via}`);
      return `<rect x="${x(s.at).toFixed(1)}" y="${top}" width="${w.toFixed(1)}" height="${barHeight}" fill="${color(s)}"><title>${s.at.toFixed(2)} s: ${what}</title></rect>`;
    })
    .join('\n  ');
  // Later marks say how long after the first they came: the figure the check's summary gives.
  const when = (e: Timeline['events'][number], i: number) =>
    i === 0 ? `${e.at.toFixed(1)} s` : `+${(e.at - timeline.events[0]!.at).toFixed(1)} s`;
  const events = timeline.events
    .map((e, i) => {
      const ex = x(e.at).toFixed(1);
      const ly = top + barHeight + 16 + (i % 3) * 14;
      const anchor = x(e.at) > width * 0.75 ? 'end' : x(e.at) < width * 0.2 ? 'start' : 'middle';
      return `<line x1="${ex}" y1="${top - 6}" x2="${ex}" y2="${ly - 10}" stroke="#333" stroke-dasharray="3,2"/>\n  <text x="${ex}" y="${ly}" font-size="11" text-anchor="${anchor}">${escape(e.label)} (${when(e, i)})</text>`;
    })
    .join('\n  ');
  const ticks = Array.from({ length: Math.floor(last) + 1 }, (_, s) => s)
    .filter((s) => last < 30 || s % 5 === 0)
    .map(
      (s) => `<text x="${x(s).toFixed(1)}" y="${top - 10}" font-size="9" fill="#666" text-anchor="middle">${s}</text>`,
    )
    .join('\n  ');
  // One row per lane, a bar where it held: two rows with bars above one moment are a split brain.
  const laneRows = lanes
    .map((lane, i) => {
      const y = laneTop + i * LANE_HEIGHT;
      const spans = lane.spans
        .map(
          ([from, to]) =>
            `<rect x="${x(from).toFixed(1)}" y="${y}" width="${Math.max(1, x(to) - x(from)).toFixed(1)}" height="${LANE_HEIGHT - 6}" fill="#8fb3e0"><title>${escape(lane.label)}: ${from.toFixed(1)}–${to.toFixed(1)} s</title></rect>`,
        )
        .join('');
      const row = `<rect x="${left}" y="${y}" width="${width - left - right}" height="${LANE_HEIGHT - 6}" fill="#eef1f5"/>`;
      return `${row}${spans}<text x="${left + 3}" y="${y + 9}" font-size="9.5" fill="#111">${escape(lane.label)}</text>`;
    })
    .join('\n  ');
  const failed = timeline.samples.filter((s) => !s.ok).length;
  const sent = timeline.samples.length;
  const counted = say(
    `${sent} requests, ${failed} failed`,
    `${sent} ${sent === 1 ? 'petición' : 'peticiones'}, ${failed} ${failed === 1 ? 'fallida' : 'fallidas'}`,
  );
  const legend = say(
    'each bar is a request from sent to answered: green answered, amber answered after 1 s or more, red no answer; seconds on top',
    'cada barra es una petición, desde su envío hasta su respuesta: verde respondida, ámbar respondida tras 1 s o más, rojo sin respuesta; segundos arriba',
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
  <text x="${left}" y="16" font-size="13" font-weight="bold">${escape(title)} — ${escape(counted)}</text>
  <text x="${left}" y="30" font-size="10" fill="#444">${escape(legend)}</text>
  ${ticks}
  ${bars}
  ${events}
  ${laneRows}
</svg>
`;
}
