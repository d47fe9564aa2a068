// The one list of the farm's components, in the tutorial's order: a new component is its folder
// under roles/ and its line here. The playbook, the definition's sections, the lab's secrets and
// the namespace base image's packages all come from this list. The HA stacks are alternatives
// (ha.stack picks one; the first is the tutorial's); the namespace provider's local repository
// holds every stack's packages, so a lab can switch stacks without a route out.
import type { Host, Lab } from '../lib/lab/model.ts';
import type { DefinitionSection } from '../lib/lab/definition-parts.ts';
import type { LabRule } from '../lib/lab/load.ts';
import type { LabSecrets, SecretSpec } from '../lib/state/secret-spec.ts';
import type { Component } from './component.ts';
import { renderHost, type RenderedFile } from './render-lab.ts';
import { isHaStack, type HaStack } from './ha-stack.ts';
import { haproxyComponent } from './haproxy/haproxy-component.ts';
import { heartbeatStack } from './heartbeat/heartbeat-stack.ts';
import { hostsComponent } from './hosts/hosts-component.ts';
import { keepalivedStack } from './keepalived/keepalived-stack.ts';
import { networkComponent } from './network/network-component.ts';
import { nginxComponent } from './nginx/nginx-component.ts';
import { toolsComponent } from './tools/tools-component.ts';

export const COMPONENTS: readonly Component[] = [
  networkComponent,
  hostsComponent,
  heartbeatStack,
  keepalivedStack,
  haproxyComponent,
  nginxComponent,
  toolsComponent,
];

export const HA_STACKS: readonly HaStack[] = COMPONENTS.filter(isHaStack);

/** The tutorial's stack, which a definition without ha.stack runs: the first in the list. */
export const DEFAULT_HA_STACK = HA_STACKS[0]!.name;

/** The stack a lab runs (ha.stack). */
export function haStackOf(lab: Lab): HaStack {
  const stack = HA_STACKS.find((s) => s.name === lab.ha.stack);
  if (!stack)
    throw new Error(
      `${lab.file}: ha.stack "${lab.ha.stack}" is none of ${HA_STACKS.map((s) => s.name).join(', ')} (the loader should have refused it)`,
    );
  return stack;
}

/** The stacks a lab does not run: their removal comes before its own stack starts. */
export function otherStacks(lab: Lab): HaStack[] {
  return HA_STACKS.filter((s) => s.name !== lab.ha.stack);
}

/** Every component's section of the definition, in the list's order. */
export function definitionSections(): DefinitionSection[] {
  return COMPONENTS.flatMap((component) => (component.section ? [component.section] : []));
}

/** Every secret a lab has, in the order secrets.json lists them: the components' order. */
export function labSecretSpecs(): SecretSpec[] {
  return COMPONENTS.flatMap((component) => component.secrets ?? []);
}

/** The components a lab runs: all but the HA stacks it does not use. */
export function componentsInUse(lab: Lab): Component[] {
  return COMPONENTS.filter((component) => !isHaStack(component) || component.name === lab.ha.stack);
}

/** What one validator said of a lab's files, for lab:validate: "haproxy.cfg", "passes haproxy -c (HAProxy 2.6.12 on this host)". */
export interface HostCheck {
  files: string;
  says: string;
}

/** Secrets of the right shape: the real ones live in the state folder, which the definition's checks never read. */
function standInSecrets(): LabSecrets {
  return Object.fromEntries(labSecretSpecs().map((spec) => [spec.name, spec.generate()])) as LabSecrets;
}

/**
 * The host's own validators (Component.validator) of the files the components the lab runs
 * write, as one rule for the definition's loader: each judges its role's files as lab:render
 * renders them, where the host has its program; `checks` then says what each did.
 */
export function hostConfigChecks(): { rule: LabRule; checks: HostCheck[] } {
  const checks: HostCheck[] = [];
  const rule: LabRule = (lab) => {
    checks.length = 0;
    const validated = componentsInUse(lab).flatMap((component) =>
      component.validator ? [{ component, validator: component.validator }] : [],
    );
    const playbook = validated.map(({ component }) => ({ hosts: component.hosts, roles: [component.role] }));
    let rendered: Array<RenderedFile & { host: Host }> | undefined;
    const secrets = standInSecrets();
    return validated.flatMap(({ component, validator }) => {
      const version = validator.hostVersion();
      if (version === undefined) {
        checks.push({
          files: validator.files,
          says: `checked by rules only (no ${validator.program} ${validator.oldest} or newer on this host for ${validator.command})`,
        });
        return [];
      }
      rendered ??= lab.hosts.flatMap((host) =>
        renderHost(lab, host, playbook, secrets).map((file) => ({ ...file, host })),
      );
      const files = rendered.filter((file) => file.role === component.role.name);
      const problems = validator.problems(lab, files, version);
      const verdict = problems.length === 0 ? 'passes' : 'is refused by';
      checks.push({
        files: validator.files,
        says: `${verdict} ${validator.command} (${validator.program} ${version} on this host)`,
      });
      return problems;
    });
  };
  return { rule, checks };
}

/** Every package any component's role installs (any HA stack's included), each once. */
export function componentPackages(): string[] {
  return [...new Set(COMPONENTS.flatMap((component) => component.packages))];
}
