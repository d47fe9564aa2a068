// lab:graph for real (issue 17, part 4): the CLI writes the picture of a non-tutorial definition
// (4 web servers; 3 balancers with keepalived), every host and network of it is text in the SVG,
// and headless Chromium (Debian's chromium) loads the SVG as an image and draws it: the
// screenshot shows each kind of box in its colour, more of them for the bigger side of each farm.
// The screenshots are kept as $TMPDIR/hafarm-graph-<definition>.png; everything else is removed.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { labPicture } from '../../lib/graph/lab-picture.ts';
import { COLOURS } from '../../lib/graph/topology-dot.ts';
import { NOT_UP } from '../../lib/graph/vip-holding.ts';
import { formatCidr } from '../../lib/lab/ipv4.ts';
import { loadLab } from '../../lib/farm/load-lab.ts';
import type { Lab } from '../../lib/lab/model.ts';
import { FOUR_WEB_LAB, hafarm, KEEPALIVED_THREE_LAB, scratchDir, TUTORIAL_LAB } from '../helpers/cli.ts';
import { decodePng, pixelsOf } from '../helpers/png-pixels.ts';

const scratch = scratchDir('graph-render');
afterAll(() => scratch.remove());

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (_, e: string) =>
      e.startsWith('#x')
        ? String.fromCodePoint(parseInt(e.slice(2), 16))
        : e.startsWith('#')
          ? String.fromCodePoint(Number(e.slice(1)))
          : (ENTITIES[e] ?? `&${e};`),
    ),
  );
}

/** The SVG's size in CSS pixels (Graphviz gives points). */
function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg width="(\d+)pt" height="(\d+)pt"/.exec(svg);
  if (!m) throw new Error('no size on the <svg> element');
  return { width: Math.round((Number(m[1]) * 4) / 3), height: Math.round((Number(m[2]) * 4) / 3) };
}

/** Headless Chromium with a fresh profile and nothing of its own on the network. */
async function chromium(args: string[]) {
  const profile = mkdtempSync(join(scratch.dir, 'chromium-profile-'));
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
  ];
  const result = await execa('chromium', [...flags, ...args], { reject: false, timeout: 90_000, stdin: 'ignore' });
  if (result.exitCode !== 0)
    throw new Error(`chromium ${args.join(' ')} exited with ${result.exitCode}: ${String(result.stderr).slice(-2000)}`);
  return String(result.stdout);
}

const FARMS = [
  { file: FOUR_WEB_LAB, name: basename(FOUR_WEB_LAB, '.yaml') },
  { file: KEEPALIVED_THREE_LAB, name: basename(KEEPALIVED_THREE_LAB, '.yaml') },
];
const drawn = new Map<string, { svg: string; boxes: Record<'balancer' | 'web', number> }>();

describe('lab:graph', () => {
  for (const farm of FARMS) {
    const lab = loadLab(farm.file);
    const out = join(scratch.dir, farm.name);

    it(`${farm.name}: writes the SVG and the DOT, every host and every network with its CIDR in the SVG's text`, async () => {
      const run = await hafarm(['graph', '--out', out, '--lab', farm.file, '--state', join(out, 'no-state')], {
        cwd: scratch.dir,
      });
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toBe(
        `${join(out, 'lab-graph.svg')} and lab-graph.dot beside it: lab "${lab.name}", ${lab.hosts.length} machines on 3 networks; VIP holder: unknown (lab not up)`,
      );
      expect(readFileSync(join(out, 'lab-graph.dot'), 'utf8')).toMatch(/^graph lab \{\n/);
      const svg = readFileSync(join(out, 'lab-graph.svg'), 'utf8');
      const texts = svgTexts(svg);
      for (const host of lab.hosts) expect(texts).toContain(host.name);
      expect(texts).toContain(`LAN ${formatCidr(lab.networks.lan.cidr)}`);
      expect(texts).toContain(`heartbeat network ${formatCidr(lab.networks.heartbeat.cidr)}`);
      expect(texts).toContain('NAT / management (eth0)');
      expect(texts).toContain(`VIP ${lab.vip.address}`);
      for (const host of lab.hosts) expect(texts).toContain(`${lab.networks.lan.interface} ${host.lan}`);
      drawn.set(farm.name, { svg, boxes: { balancer: 0, web: 0 } });
    });

    it(`${farm.name}: headless Chromium loads the SVG as an image and draws every kind of box`, async () => {
      const { svg } = drawn.get(farm.name) ?? { svg: readFileSync(join(out, 'lab-graph.svg'), 'utf8') };
      const size = svgSize(svg);
      // An <img> of an SVG that does not parse fires error and has no natural size.
      const page = join(out, 'page.html');
      writeFileSync(
        page,
        `<!doctype html><title>waiting</title><img src="lab-graph.svg" onload="document.title='loaded '+this.naturalWidth+'x'+this.naturalHeight" onerror="document.title='error'">`,
      );
      const dom = await chromium(['--dump-dom', `file://${page}`]);
      expect(dom).toContain(`<title>loaded ${size.width}x${size.height}</title>`);

      const png = join(tmpdir(), `hafarm-graph-${farm.name}.png`);
      await chromium([
        `--screenshot=${png}`,
        `--window-size=${size.width},${size.height}`,
        `file://${join(out, 'lab-graph.svg')}`,
      ]);
      expect(statSync(png).size).toBeGreaterThan(20_000);
      const pixels = decodePng(readFileSync(png));
      expect([pixels.width, pixels.height]).toEqual([size.width, size.height]);
      const white = pixelsOf(pixels, '#ffffff', 0);
      const all = pixels.width * pixels.height;
      expect(white / all).toBeGreaterThan(0.3);
      expect(white / all).toBeLessThan(0.95);
      const boxes = { balancer: pixelsOf(pixels, COLOURS.balancer), web: pixelsOf(pixels, COLOURS.web) };
      for (const fill of [COLOURS.heartbeat, COLOURS.network, COLOURS.vip])
        expect(pixelsOf(pixels, fill)).toBeGreaterThan(2_000);
      expect(boxes.balancer).toBeGreaterThan(2_000);
      expect(boxes.web).toBeGreaterThan(2_000);
      drawn.set(farm.name, { svg, boxes });
    });
  }

  it('draws a box per machine: more balancer colour for 3 balancers, more web colour for 4 web servers', () => {
    const four = drawn.get('four-web')!.boxes;
    const three = drawn.get('keepalived-three')!.boxes;
    // four-web: 2 balancers, 4 web servers; keepalived-three: 3 balancers, 3 web servers.
    expect(three.balancer / four.balancer).toBeGreaterThan(1.3);
    expect(four.web / three.web).toBeGreaterThan(1.2);
  });

  it('draws the picture of a lab whose state is incomplete without asking its machines, and keeps its provider', async () => {
    const out = join(scratch.dir, 'up');
    const state = join(out, 'state');
    mkdirSync(state, { recursive: true });
    // A record as lab:up writes it, but no machine behind it: none is asked.
    writeFileSync(
      join(state, 'lab-state.json'),
      `${JSON.stringify({ lab: 'four', definition: FOUR_WEB_LAB, provider: 'netns', created: 'now' })}\n`,
    );
    const run = await hafarm(['graph', '--out', out, '--lab', FOUR_WEB_LAB, '--state', state], { cwd: scratch.dir });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      `VIP holder: unknown (not asked: the state folder has no netns.json (see lab:status))`,
    );
    expect(svgTexts(readFileSync(join(out, 'lab-graph.svg'), 'utf8')).join('\n')).toContain('netns: bridge hfour-mg');
    const other = await hafarm(
      ['graph', '--out', out, '--lab', FOUR_WEB_LAB, '--state', state, '--provider', 'libvirt'],
      { cwd: scratch.dir },
    );
    expect([other.exitCode, other.stderr.trim()]).toEqual([
      2,
      'hafarm: --provider libvirt: lab "four" is up with the netns provider (leave --provider out)',
    ]);
  });

  it('lays out any value of the definition as text: Graphviz and the SVG get no markup from it', async () => {
    const lab = loadLab(TUTORIAL_LAB);
    const name = `a<b>"c'&\\N`;
    const hostile: Lab = {
      ...lab,
      vip: { ...lab.vip, name: '</td></tr></table>> ]; evil [label="' },
      hosts: lab.hosts.map((h, i) => (i === 0 ? { ...h, name } : h)),
    };
    const { svg } = await labPicture(hostile, { provider: 'netns', holding: NOT_UP });
    const texts = svgTexts(svg);
    expect(texts).toContain(name);
    expect(texts).toContain('</td></tr></table>> ]; evil [label="');
    expect(svg).not.toMatch(/<b>|<\/td>|evil \[label="/);
    expect(existsSync(join(scratch.dir, 'four-web', 'lab-graph.svg'))).toBe(true);
  });
});
