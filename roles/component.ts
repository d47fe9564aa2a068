// A component of the farm: one folder under roles/ that holds everything about one piece of the
// tutorial (Ansible's roles/<name>/ layout): its section of the definition, its role (tasks,
// handlers, packages), its templates (roles/<name>/templates/), the secrets it needs, and what
// lab:verify expects of it and how its evidence is read. roles/components.ts lists them in the
// tutorial's order; nothing below roles/ knows any of them.
import type { DefinitionSection } from '../lib/lab/definition-parts.ts';
import type { FieldProblem } from '../lib/lab/load.ts';
import type { Host, Lab } from '../lib/lab/model.ts';
import type { SecretSpec } from '../lib/state/secret-spec.ts';
import type { SectionImport } from './farm-import.ts';
import type { MistakeFinder } from './mistakes.ts';
import type { FarmGroup } from './lab-inventory.ts';
import type { Role } from './role-context.ts';

/** A file a component's role writes on one machine, as lab:render renders it. */
export interface RenderedConfig {
  host: Host;
  path: string;
  content: string;
}

/**
 * The host's own program that judges the files a component's role writes (haproxy -c,
 * keepalived -t, nginx -t), run by lab:validate, lab:up and lab on the files rendered from the
 * definition (roles/components.ts), in a folder of its own: never the host's configuration, never
 * a daemon started. Where the program is missing or older than the machines', the definition is
 * checked by its rules only, and lab:validate says so.
 */
export interface ConfigValidator {
  /** what it judges, as lab:validate names it: "haproxy.cfg" */
  files: string;
  /** how, as lab:validate names it: "haproxy -c" */
  command: string;
  /** the program's name, "HAProxy", and the oldest version that judges as the machines' would, "2.6" */
  program: string;
  oldest: string;
  /** the host's version ("2.6.12") when it is installed and not older than `oldest`, else undefined */
  hostVersion(): string | undefined;
  /** what the program refuses in the rendered files, each problem at the definition's field it came from */
  problems(lab: Lab, files: readonly RenderedConfig[], version: string): FieldProblem[];
}

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
  /** the host's own check of the files its role writes, where the host has the program */
  validator?: ConfigValidator;
  /** the mistakes a student makes in its steps, found in what its machines hold (lab:verify, where a check fails) */
  mistakes?: MistakeFinder;
  /** its section read from a farm built by hand (lab:import) */
  imports?: SectionImport;
}

/** Each problem once: a validator that reports one line per machine names one field many times. */
export function distinctProblems(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = JSON.stringify([p.field, p.problem]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
