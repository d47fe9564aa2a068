// A network namespace of the test's own, joined to the host by a veth pair on a link-local /30,
// for tests whose effects must stay out of the host's network stack (sysctl net.*).
import { execFileSync } from 'node:child_process';

let counter = 0;

export interface TestNetns {
  name: string;
  hostAddress: string;
  nsAddress: string;
  remove(): void;
}

export function createNetns(): TestNetns {
  counter += 1;
  const tag = `${process.pid % 100000}${counter}`;
  const name = `hft${tag}`;
  const hostIf = `hftv${tag}`;
  const third = (process.pid + counter) % 250;
  const base = (counter % 60) * 4;
  const hostAddress = `169.254.${third}.${base + 1}`;
  const nsAddress = `169.254.${third}.${base + 2}`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ip('netns', 'add', name);
  try {
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', name, 'addr', 'add', `${nsAddress}/30`, 'dev', 'eth0');
    ip('-n', name, 'link', 'set', 'eth0', 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (error) {
    ip('netns', 'del', name);
    throw error;
  }
  return {
    name,
    hostAddress,
    nsAddress,
    // Deleting the namespace deletes the veth pair with it.
    remove: () => ip('netns', 'del', name),
  };
}
