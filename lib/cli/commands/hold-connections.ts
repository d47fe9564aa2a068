// The lab's connection holder as a process of its own (lib/cli/held-connections.ts starts it):
// not a command a user types.
import { holdConnections } from '../../engine/ssh/held/holder.ts';
import { stringOption, UsageError, type Command } from '../command.ts';
import { HOLDER_IDLE_MS } from '../held-connections.ts';

export const holdConnectionsCommand: Command = {
  name: 'hold-connections',
  summary: "keep the lab's SSH connections open between commands (started by hafarm itself)",
  usage: 'hold-connections --socket PATH',
  hidden: true,
  options: { socket: { type: 'string' } },
  optionHelp: { '--socket PATH': 'the Unix socket to answer on' },
  async run(args) {
    const socketPath = stringOption(args, 'socket');
    if (!socketPath) throw new UsageError('hold-connections needs --socket PATH');
    await holdConnections({ socketPath, idleMs: HOLDER_IDLE_MS });
    // nothing it held may keep it running (an ssh2 keepalive, a server left to another holder's socket)
    process.exit(0);
  },
};
