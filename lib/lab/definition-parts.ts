// What the definition reader is handed: the components' sections and the providers' fields and
// rules. The lab model knows neither; lib/farm/ assembles the parts from the two lists
// (roles/components.ts, lib/providers/registry.ts), so a new component or provider adds its
// part there and the reader does not change.
import type { Cidr } from './ipv4.ts';
import type { Lab } from './model.ts';
import type { FieldPath, FieldReader } from './yaml-fields.ts';

/** A component's top-level section of lab.yaml (haproxy:, nginx:, heartbeat:, …). */
export interface DefinitionSection {
  /** its key in lab.yaml, and in the model (LabSections) */
  key: string;
  /** the settings, each problem reported with its place; undefined when there was one */
  read(r: FieldReader, node: unknown): object | undefined;
  /** what an absent section means; a section without defaults must be written */
  defaults?: Readonly<object>;
  /** rules on the rest of a structurally valid definition, each refusal at its field */
  checkLab?(r: FieldReader, lab: Lab): void;
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
