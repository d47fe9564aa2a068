// A component of the farm: one folder under roles/ that holds everything about one piece of the
// tutorial (Ansible's roles/<name>/ layout): its section of the definition, its role (tasks,
// handlers, packages), its templates (roles/<name>/templates/), the secrets it needs, and what
// lab:verify expects of it and how its evidence is read. roles/components.ts lists them in the
// tutorial's order; nothing below roles/ knows any of them.
import type { DefinitionSection } from '../lib/lab/definition-parts.ts';
import type { SecretSpec } from '../lib/state/secret-spec.ts';
import type { FarmGroup } from './lab-inventory.ts';
import type { Role } from './role-context.ts';

export interface Component {
  /** its folder under roles/ */
  name: string;
  /** as people write it: "HAProxy" */
  title: string;
  /** the tutorial steps its role carries out (docs/tutorial IDs) */
  steps: readonly string[];
  /** the machines its role runs on */
  hosts: FarmGroup;
  role: Role;
  /** every Debian package its role installs: the namespace provider's local repository holds them */
  packages: readonly string[];
  /** its top-level section of lab.yaml, when it has one */
  section?: DefinitionSection;
  /** generated once per lab, kept in its state folder (mode 600), printed only on request */
  secrets?: readonly SecretSpec[];
}
