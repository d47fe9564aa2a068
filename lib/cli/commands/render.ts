import { resolve } from 'node:path';
import { farmPlaybook } from '../../../roles/playbook.ts';
import { providerFiles } from '../../providers/registry.ts';
import { renderHost } from '../../../roles/render-lab.ts';
import { fileInTheWay } from '../../files/file-in-the-way.ts';
import { readSecrets, storeSecrets } from '../../farm/lab-secrets.ts';
import { stringOption, UsageError, type Command } from '../command.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, labContext } from '../lab-options.ts';
import { FORCE_HELP, FORCE_OPTION, outputFolder, writeOutputs } from '../output-files.ts';
import type { FileToWrite } from '../../files/target-folder.ts';

export const MANIFEST = 'MANIFEST.json';

export const renderCommand: Command = {
  name: 'render',
  summary:
    'write what the lab will put in place (Vagrantfile, every managed file of every host) into a folder, without creating any machine',
  usage: 'render --out DIR [--force] [--lab FILE] [--state DIR]',
  options: { ...LAB_OPTIONS, ...FORCE_OPTION, out: { type: 'string' } },
  optionHelp: {
    '--out DIR': `folder to write into: DIR/Vagrantfile, DIR/<host>/<absolute path>, DIR/<host>/${MANIFEST}`,
    ...FORCE_HELP,
    ...LAB_OPTION_HELP,
  },
  async run(args) {
    // Everything is checked and rendered in memory first: a refusal writes nothing, secrets included.
    const out = stringOption(args, 'out');
    if (!out) throw new UsageError('render needs --out DIR: the folder to write the rendered files into');
    const dir = resolve(out);
    const blocker = fileInTheWay(dir);
    if (blocker)
      throw new UsageError(
        `--out ${dir}${blocker === dir ? '' : `: ${blocker}`} is a file, not a folder (allowed: a folder, created if needed)`,
      );
    const { lab, state } = labContext(args);
    state.check(lab);
    const { secrets, generated } = readSecrets(state);
    if (generated) state.checkOwnFolder();
    const provided = providerFiles(lab);
    const hosts = lab.hosts.map((host) => ({ host, files: renderHost(lab, host, farmPlaybook(lab), secrets) }));
    const files: FileToWrite[] = [
      ...provided.map((file) => ({ path: file.name, content: file.content })),
      ...hosts.flatMap(({ host, files }) => [
        // The local copy keeps the permission bits: authkeys stays readable by its owner only.
        ...files.map((file) => ({
          path: `${host.name}${file.path}`,
          content: file.content,
          mode: parseInt(file.mode, 8) & 0o777,
        })),
        {
          path: `${host.name}/${MANIFEST}`,
          content: `${JSON.stringify(
            files.map(({ path, mode, owner, group, kind, step, role }) => ({
              path,
              mode,
              owner,
              group,
              kind,
              step,
              role,
            })),
            null,
            2,
          )}\n`,
        },
      ]),
    ];
    const folder = outputFolder(dir, `--out ${dir}`, state, args);
    folder.check(files);
    if (generated) storeSecrets(state, secrets);
    writeOutputs(folder, state, files);
    const count = hosts.reduce((sum, { files }) => sum + files.length, 0);
    console.log(
      `${dir}: ${provided.map((f) => `${f.name} and `).join('')}${count} managed files of ${lab.hosts.length} hosts (lab "${lab.name}")`,
    );
    return 0;
  },
};
