// The first commands on a host that has only what a newcomer has (issue 12): a clean Debian 12
// root with git, ca-certificates and Node.js, the project cloned into it, then the design card's
// `npm ci && npm run lab:up` (lab:up alone prepares the host: issue 26), then `npm run lab` as
// the README writes it (it finds the machines up and goes on), then `npm run lab:destroy`. It
// passes only when every check passes and nothing is left behind. Whatever hafarm needs on the
// host it must install itself (or refuse, naming it): nothing here installs anything for it.
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../lib/farm/load-lab.ts';
import { netnsNames } from '../../lib/providers/netns/names.ts';
import { TUTORIAL_LAB, scratchDir } from '../helpers/cli.ts';
import { makeCleanRoot, removeCleanRoot, runInRoot, type CleanRoot } from '../helpers/clean-root.ts';
import { readFileSync } from 'node:fs';

const README_COMMAND = 'npm ci && npm run lab';
const CARD_COMMAND = 'npm ci && npm run lab:up';
const scratch = scratchDir('clean-root');
const rootDir = join('/var/tmp', `hafarm-clean-root-${process.pid}`);
// The README's command runs the tutorial's lab as written: its name prefixes the host links it makes.
const linkPrefix = netnsNames(loadLab(TUTORIAL_LAB)).linkPrefix;

function hostLinks(): string[] {
  return (JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' })) as Array<{ ifname: string }>)
    .map((l) => l.ifname)
    .filter((n) => n.startsWith(linkPrefix));
}

/** Between the markers of the script below: one line per thing left behind. */
function section(output: string, name: string): string[] {
  const match = new RegExp(`${name}-BEGIN\\n([\\s\\S]*?)${name}-END`).exec(output);
  if (!match) throw new Error(`no ${name} section in the output`);
  return match[1]!.split('\n').filter(Boolean);
}

const SCRIPT = `
set -u
# The host's extra CA certificates, copied in with its DNS settings: how this host reaches the npm registry.
update-ca-certificates >/dev/null 2>&1
cd /root/hafarm
echo '$ ${CARD_COMMAND}'
sh -c '${CARD_COMMAND}'
echo "HAFARM-UP-EXIT $?"
echo '$ npm run lab'
npm run lab
echo "HAFARM-LAB-EXIT $?"
echo '$ npm run lab:destroy'
npm run lab:destroy
echo "HAFARM-DESTROY-EXIT $?"
echo LEFTOVERS-BEGIN
command -v ip >/dev/null && ip netns list | sed 's/^/namespace /'
cut -d' ' -f2 /proc/mounts | grep -F /root/hafarm/ | sed 's/^/mount /'
# Every process but this shell (PID 1) and the ps reading them.
ps -e -o pid=,ppid=,comm= | awk '$1 != 1 && !($2 == 1 && ($3 == "ps" || $3 == "awk")) { print "process " $0 }'
[ -e /root/hafarm/.lab ] && echo "state folder /root/hafarm/.lab"
echo LEFTOVERS-END
`;

let root: CleanRoot | undefined;
let linksMade = false;

afterAll(() => {
  // A run that failed half way may have left the lab's bridges in the shared network namespace.
  if (linksMade) for (const link of hostLinks()) execFileSync('ip', ['link', 'del', link], { stdio: 'ignore' });
  removeCleanRoot(rootDir);
  scratch.remove();
}, 300_000);

describe('a fresh Debian 12 host', () => {
  it(
    `runs the card's "${CARD_COMMAND}", which prepares the host itself, then the README's "${README_COMMAND}" to the end, and lab:destroy leaves nothing`,
    async () => {
      // The README's lab is named as written; a lab of that name already up on this host would be shared.
      expect(hostLinks(), `a lab with the prefix ${linkPrefix} is up on this host: destroy it first`).toEqual([]);
      linksMade = true;
      root = makeCleanRoot(rootDir, (line) => console.log(line));
      // Kept after the run (one file, overwritten by the next), for a failure to be read.
      const logFile = join(tmpdir(), 'hafarm-clean-root.log');
      const run = await runInRoot(root, SCRIPT, logFile, 40 * 60_000);
      const out = run.output;
      const context = `output (also in ${logFile}):\n${out.slice(-6000)}`;
      expect(out, context).toMatch(/HAFARM-UP-EXIT 0\n/);
      // lab:up said it prepares the host, and did so before it made anything
      const preparing = out.search(/^preparing this host for the namespace provider: installing .+ with apt-get$/m);
      expect(preparing, context).toBeGreaterThan(0);
      expect(preparing, context).toBeLessThan(out.search(/^lab "\w+": bringing \d+ machines up with netns/m));
      expect(out, context).toMatch(/HAFARM-LAB-EXIT 0\n/);
      // lab:verify's closing line: every check ran and passed.
      expect(out, context).toMatch(/^\d+ passed, 0 failed$/m);
      expect(out, context).not.toMatch(/^FAIL /m);
      expect(out, context).not.toMatch(/unexpected error|\n\s+at .+\(.+:\d+:\d+\)/);
      expect(out, context).toMatch(/HAFARM-DESTROY-EXIT 0\n/);
      expect(section(out, 'LEFTOVERS'), context).toEqual([]);
      expect(run.exitCode, context).toBe(0);
      expect(hostLinks()).toEqual([]);
      console.log(
        readFileSync(logFile, 'utf8')
          .split('\n')
          .filter((l) => /^(PASS|FAIL|\d+ passed)/.test(l))
          .join('\n'),
      );
    },
    45 * 60_000,
  );
});
