// A file whose content is rendered from a nunjucks template of the package (compared by
// content, mode, owner). Rendering is the roles' side: the engine's file module takes content.
import { file, type FileSpec } from '../engine/modules/file.ts';
import type { Task, TaskContext } from '../engine/task.ts';
import { renderTemplate } from './templates.ts';

export interface TemplateSpec extends Omit<FileSpec, 'content'> {
  /** the template's path in the package: roles/<component>/templates/<file>.njk */
  src: string;
  vars: object | ((ctx: TaskContext) => object);
}

export function template(spec: TemplateSpec): Task {
  const { src, vars, ...rest } = spec;
  return file({ ...rest, content: (ctx) => renderTemplate(src, typeof vars === 'function' ? vars(ctx) : vars) });
}
