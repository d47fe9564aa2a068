#!/usr/bin/env node
// `npm run test:vms`'s first step, also runnable alone: the host made ready for the real-VM test
// (libvirt, QEMU, vagrant-libvirt, the daemons, the test pool and management network) and the
// test box built or taken from the cache and added to Vagrant. Takes the heavy-work lock itself?
// No: the caller does (the box build boots QEMU once).
import { prepareLibvirtHost } from '../helpers/libvirt-host.ts';
import { ensureTestBox } from '../helpers/libvirt-box.ts';

const start = Date.now();
const log = (line: string) => console.log(`test:vms: ${line}`);
prepareLibvirtHost(log);
await ensureTestBox(log);
log(`host and box ready (${Math.round((Date.now() - start) / 1000)} s)`);
