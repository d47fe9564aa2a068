// What the definition reader is handed: the components' sections and the providers' fields and
// rules. The lab model knows neither; lib/farm/ assembles the parts from the two lists
// (roles/components.ts, lib/providers/registry.ts), so a new component or provider adds its
// part there and the reader does not change.
import type { Cidr } from './ipv4.ts';
import type { Lab } from './model.ts';
import type { FieldPath, FieldReader } from './yaml-fields.ts';

/**
 * What the sections say of the farm as a whole, for the rules of another section: a component
 * never imports another, so what one must respect of another's reaches it here.
 */
export interface FarmFacts {
  /** the request paths the site answers with a page of its own (the web servers' "/" and its files) */
  sitePaths: readonly string[];
  /** the folders the components' packages make in /var/log/, each with whose it is: no log file can be one */
  logFolders: ReadonlyArray<{ path: string; whose: string }>;
}

/** A component's top-level section of lab.yaml (haproxy:, nginx:, heartbeat:, …). */
export interface DefinitionSection {
  /** its key in lab.yaml, and in the model (LabSections) */
  key: string;
  /** the settings, each problem reported with its place; undefined when there was one */
  read(r: FieldReader, node: unknown, farm: FarmFacts): object | undefined;
  /** what an absent section means; a section without defaults must be written */
  defaults?: Readonly<object>;
  /** rules on the rest of a structurally valid definition, each refusal at its field */
  checkLab?(r: FieldReader, lab: Lab): void;
  /** the paths of the site its component serves (FarmFacts.sitePaths) */
  sitePaths?: readonly string[];
  /** the folders its component's packages make in /var/log/ (FarmFacts.logFolders) */
  logFolders?: FarmFacts['logFolders'];
}

/** A field a provider adds under box: (box.libvirt_driver), read into lab.box under `property`. */
export interface BoxField {
  key: string;
  property: string;
  read(r: FieldReader, path: FieldPath, node: unknown): unknown;
  /** its value when the definition leaves it out */
  default: unknown;
}

/** An address range a provider keeps for itself: a lab network may not overlap it. */
export interface ReservedRange {
  range: Cidr;
  /** "VirtualBox's NAT network (10.0.2.0/24, adapter 1 of every machine)" */
  what: string;
}

/** What the sections say of the farm (FarmFacts), gathered from them. */
export function farmFacts(sections: readonly DefinitionSection[]): FarmFacts {
  return {
    sitePaths: sections.flatMap((section) => section.sitePaths ?? []),
    logFolders: sections.flatMap((section) => section.logFolders ?? []),
  };
}

export interface DefinitionParts {
  /** in the order they are read and checked: the tutorial's */
  sections: readonly DefinitionSection[];
  /** ha.stack's choices, and the one an absent ha.stack means */
  haStacks: { names: readonly string[]; default: string };
  /** provider's choices besides "auto" */
  providers: readonly string[];
  boxFields: readonly BoxField[];
  reservedRanges: readonly ReservedRange[];
  /** the providers' rules on a structurally valid definition */
  rules: ReadonlyArray<(r: FieldReader, lab: Lab) => void>;
}
