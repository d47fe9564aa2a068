// The tutorial's order: network and hosts everywhere (T2, T3), then Heartbeat and HAProxy on
// the balancers (T4–T9, T11), then nginx on the web servers (T10); last, the tools lab:verify
// and lab:capture run inside the machines.
import type { Play } from '../lib/engine/role.ts';
import { haproxyRole } from './haproxy.ts';
import { heartbeatRole } from '../lib/ha/heartbeat/heartbeat-role.ts';
import { hostsRole } from './hosts.ts';
import { networkRole } from './network.ts';
import { nginxRole } from './nginx.ts';
import { toolsRole } from './tools.ts';

export const tutorialPlaybook: Play[] = [
  { hosts: 'all', roles: [networkRole, hostsRole] },
  { hosts: 'balancers', roles: [heartbeatRole, haproxyRole] },
  { hosts: 'web', roles: [nginxRole] },
  { hosts: 'all', roles: [toolsRole] },
];
