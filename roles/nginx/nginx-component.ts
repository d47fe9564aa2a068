// nginx (T10): the web servers, each serving its own page of the definition.
import type { Component } from '../component.ts';
import { NGINX_PACKAGES, nginxRole } from './nginx-role.ts';
import { nginxValidator } from './nginx-config-check.ts';
import { nginxImport } from './nginx-import.ts';
import { nginxMistakes } from './nginx-mistakes.ts';
import { nginxSection } from './nginx-section.ts';

export const nginxComponent: Component = {
  name: 'nginx',
  title: 'nginx',
  steps: ['T10'],
  hosts: 'web',
  role: nginxRole,
  packages: NGINX_PACKAGES,
  section: nginxSection,
  validator: nginxValidator,
  mistakes: nginxMistakes,
  imports: nginxImport,
};
