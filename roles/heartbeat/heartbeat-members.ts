// How provisioning reads Heartbeat on a balancer after the play (roles/run-lab-play.ts): whether
// it hears each peer, asked of Heartbeat itself with cl_status (its API's client, in the heartbeat
// package). A Heartbeat whose process runs may still hear nobody: after `lab:link haproxy2
// heartbeat down` and `up` under QEMU's emulation, haproxy1's ran for minutes deaf and silent on
// its link while haproxy2 held the VIP (issue 27). `cl_status nodestatus` then says "dead" for the
// peer; a Heartbeat too stuck to answer at all counts as deaf too. Each call is bounded by
// timeout(1), so a hung daemon cannot hang provisioning.
import { quote } from '../../lib/engine/ssh/shell-quote.ts';
import type { StackMembers } from '../ha-stack.ts';

/** Seconds one cl_status call may take: it answers at once from a daemon that works. */
const CL_STATUS_SECONDS = 5;

const clStatus = (...args: string[]) => `timeout ${CL_STATUS_SECONDS} cl_status ${args.join(' ')} 2>/dev/null`;

/**
 * Shell lines that print `deaf=heard nothing from PEER on IFACE (cl_status nodestatus: dead)`
 * when the member's Heartbeat does not hear the peer: a node status other than active or up
 * (init, dead, or no answer), with the links cl_status names dead.
 */
export function peerHearing(peer: string): string {
  const name = quote(peer);
  return [
    // its exit status says dead or alive too; the words are what count
    `s=$(${clStatus('nodestatus', name)})`,
    `case "$s" in active|up) ;; *)`,
    `  dead=; for l in $(${clStatus('listhblinks', name)}); do`,
    `    [ "$(${clStatus('hblinkstatus', name, '"$l"')})" = up ] || dead="$dead\${dead:+, }$l"`,
    `  done`,
    `  echo "deaf=heard nothing from ${peer}\${dead:+ on $dead} (cl_status nodestatus: \${s:-no answer})" ;;`,
    `esac`,
  ].join('\n');
}

export const heartbeatMembers: StackMembers = {
  process: 'heartbeat',
  hearing: (_lab, _member, peers) => peers.map((peer) => peerHearing(peer.name)).join('\n'),
  // Not the SysV script's restart, which sleeps deadtime + 10 s between the two. `heartbeat -k`
  // (both scripts' stop) gives the VIP up first; a Heartbeat stuck without its comm processes
  // kills them itself after 30 s ("Emergency Shutdown"), tried in namespaces.
  stop: 'service heartbeat stop',
  start: 'service heartbeat start',
};
