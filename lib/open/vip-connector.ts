// How lab:open reaches the site from this host: a connection to the VIP's port opened inside the
// lab, one per request, so that after a failover the next request reaches the new holder.
import type { Duplex } from 'node:stream';

export interface VipConnector {
  /** a fresh TCP connection to the VIP's port, opened from inside the lab */
  connect(): Promise<Duplex>;
  /** for the user: "through the client namespace hf-swap-client" */
  describe: string;
  /** ends what the connector started (its forwarder, its SSH connection) */
  close(): Promise<void>;
  /** resolves, with why, when what the connector started ended by itself (a forwarder killed with its lab) */
  lost?: Promise<string>;
}
