// The network (T3): every machine's static addresses on the LAN and, for the balancers, the
// heartbeat network. Its fields are the definition's own (networks:, hosts[].lan/heartbeat).
import type { Component } from '../component.ts';
import { networkMistakes } from './network-mistakes.ts';
import { networkRole } from './network-role.ts';

export const networkComponent: Component = {
  name: 'network',
  title: 'network',
  steps: ['T3'],
  hosts: 'all',
  role: networkRole,
  packages: [],
  mistakes: networkMistakes,
};
