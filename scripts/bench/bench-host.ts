// What the bench needs from the host a provider runs on, beside the provider contract: the
// lab definition it measures, the host made ready (and left as it was), a cold start forced,
// the machines' package source, and what one machine costs in memory there.
import type { Lab } from '../../lib/lab/model.ts';
import type { LabMachines } from '../../lib/verify/transport/lab-machines.ts';
import type { VipProbe } from './vip-probe.ts';

export interface BenchHost {
  /** e.g. "the namespace provider", "libvirt under QEMU's emulation" */
  describe: string;
  /** the tutorial's definition, rewritten for this bench (name, box, driver) */
  labText(tutorial: string): string;
  /** installs, starts and builds what the provider needs; runs before anything is measured */
  prepare(log: (line: string) => void): Promise<void>;
  /** makes the next up a cold one (nothing cached); says what it removed */
  forgetCache(): Promise<string>;
  /** after each up, before provisioning: where the machines get their packages */
  afterUp(machines: Pick<LabMachines, 'exec'>, hosts: string[]): Promise<void>;
  /** what the machine costs the host, in MiB, and how that is counted */
  memoryMiB(lab: Lab, host: string): number;
  memoryNote: string;
  /** requests through the VIP at a fine pace, where the host can send them itself (else the LAN client's) */
  probe?(lab: Lab): VipProbe;
  /** failover rounds per HA stack (each powers the master off and on) */
  rounds: number;
  /** a word on what the figures mean on this host, printed under them */
  caveat?: string;
  /** leaves the host as prepare() found it (also after a failure) */
  cleanup(log: (line: string) => void): Promise<void>;
}

/** Proportional set size of processes, in MiB (a process that ended counts 0). */
export function pssMiB(pids: number[], read: (path: string) => string): number {
  let kib = 0;
  for (const pid of pids) {
    try {
      kib += Number(/^Pss:\s+(\d+) kB/m.exec(read(`/proc/${pid}/smaps_rollup`))?.[1] ?? 0);
    } catch {
      // the process ended
    }
  }
  return kib / 1024;
}
