// Run by lab:open inside the namespace provider's client namespace (`ip netns exec`): accepts
// connections on a Unix socket, which a file path makes reachable from the host's own network
// namespace, and joins each to a new TCP connection to the VIP's port. It ends when its stdin
// closes, so it never outlives the lab:open that started it.
import net from 'node:net';

const [socketPath, address, port] = process.argv.slice(2);
const server = net.createServer((client) => {
  const upstream = net.connect(Number(port), address);
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', end);
  upstream.on('error', end);
  client.pipe(upstream).pipe(client);
});
server.on('error', (error) => {
  process.stderr.write(`forwarder: ${error.message}\n`);
  process.exit(1);
});
server.listen(socketPath, () => process.stdout.write('ready\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
