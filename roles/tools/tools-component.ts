// Not a tutorial step: what lab:verify and lab:capture use inside the machines.
import type { Component } from '../component.ts';
import { TOOLS_PACKAGES, toolsRole } from './tools-role.ts';

export const toolsComponent: Component = {
  name: 'tools',
  title: 'curl and tcpdump',
  steps: [],
  hosts: 'all',
  role: toolsRole,
  packages: TOOLS_PACKAGES,
};
