// Which web server V3 powers off, known before any check runs: lab:verify must not send its
// requests from that machine (vantage.ts), and V3 powers it off.
import { webServers, type Lab } from '../lab/model.ts';

/** web2 in the tutorial: the second web server (or the only one). */
export function webDownTarget(lab: Lab): string {
  const web = webServers(lab).map((h) => h.name);
  return web[1] ?? web[0]!;
}
