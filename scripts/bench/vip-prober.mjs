// Run by the bench inside the LAN client's network namespace (node, no TypeScript):
//   node vip-prober.mjs <address> <port> <site name> <every ms> <timeout ms>
// Opens a new connection to the VIP every <every ms>, whatever the earlier ones are doing, sends
// GET / for the site, and prints one line per request when it ends: the epoch milliseconds it was
// sent at and 1 (an HTTP 200 came) or 0 (an error, or nothing within <timeout ms>). Runs until
// it is sent SIGTERM.
import net from 'node:net';

const [address, port, site, every, timeout] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();

function probe() {
  const sent = now();
  const socket = net.connect({ host: address, port: Number(port) });
  let head = '';
  let done = false;
  const finish = (ok) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.destroy();
    process.stdout.write(`${sent.toFixed(1)} ${ok ? 1 : 0}\n`);
  };
  const timer = setTimeout(() => finish(false), Number(timeout));
  socket.on('connect', () => socket.write(`GET / HTTP/1.0\r\nHost: ${site}\r\nConnection: close\r\n\r\n`));
  socket.on('data', (chunk) => {
    head += chunk;
    if (head.length >= 12) finish(/^HTTP\/1\.[01] 200 /.test(head));
  });
  socket.on('end', () => finish(false));
  socket.on('error', () => finish(false));
}

setInterval(probe, Number(every));
process.on('SIGTERM', () => process.exit(0));
