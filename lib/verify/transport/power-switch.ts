// Powering the lab's machines off and on for the checks (V3–V7): one operation at a time, and
// after an interrupt none that a check asks for, while the lab can still be restored.
import type { LabProvider } from '../../providers/provider.ts';
import type { MachineConnections } from './machine-connections.ts';

export class PowerSwitch {
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly provider: Pick<LabProvider, 'powerOff' | 'powerOn'>,
    private readonly connections: MachineConnections,
  ) {}

  /** Pulls the plug; the machine's connection is gone with it. */
  powerOff(host: string): Promise<void> {
    return this.operation(async () => {
      this.connections.poweredOff(host);
      await this.provider.powerOff(host);
    });
  }

  /** Boots the machine again with the same disk. */
  powerOn(host: string): Promise<void> {
    return this.operation(() => this.boot(host));
  }

  /** After an interrupt: refuses the checks any further power operation; resolves once the one under way is done. */
  async stopPowerOperations(): Promise<void> {
    this.stopped = true;
    await this.queue;
  }

  /** Powers a machine on to leave the lab as it was found, also after stopPowerOperations(). */
  async restore(host: string): Promise<void> {
    await this.queue;
    await this.boot(host);
  }

  private operation(operation: () => Promise<void>): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('verification interrupted: no more power operations'));
    const run = this.queue.then(operation);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async boot(host: string): Promise<void> {
    this.connections.forget(host);
    await this.provider.powerOn(host);
    this.connections.poweredOn(host);
  }
}
