// A file rendered from a nunjucks template under templates/ (compared by content, mode, owner).
import { renderTemplate } from '../../render/templates.ts';
import type { Task, TaskContext } from '../task.ts';
import { file, type FileSpec } from './file.ts';

export interface TemplateSpec extends Omit<FileSpec, 'content'> {
  /** path under templates/ */
  src: string;
  vars: object | ((ctx: TaskContext) => object);
}

export function template(spec: TemplateSpec): Task {
  const { src, vars, ...rest } = spec;
  return file({ ...rest, content: (ctx) => renderTemplate(src, typeof vars === 'function' ? vars(ctx) : vars) });
}
