// The hosts file (T2): the site's name and every machine's on every machine.
import type { Component } from '../component.ts';
import { hostsMistakes } from './hosts-mistakes.ts';
import { hostsRole } from './hosts-role.ts';

export const hostsComponent: Component = {
  name: 'hosts',
  title: '/etc/hosts',
  steps: ['T2'],
  hosts: 'all',
  role: hostsRole,
  packages: [],
  mistakes: hostsMistakes,
};
