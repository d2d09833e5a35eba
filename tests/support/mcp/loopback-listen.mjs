/**
 * Preloaded (`node --import`) into a server we did not write, such as the MCP reference server, which
 * listens on `PORT` on every interface: its first listen goes to 127.0.0.1 instead, on
 * HEARTH_LISTEN_PORT (0, an OS-chosen port, by default), and the port is printed for the test.
 */
import net from 'node:net';

const listen = net.Server.prototype.listen;
let done = false;
net.Server.prototype.listen = function (...args) {
  if (done) return listen.apply(this, args);
  done = true;
  const callback = args.find((arg) => typeof arg === 'function');
  this.once('listening', () => console.log(`HEARTH_LISTENING ${this.address().port}`));
  return listen.call(this, Number(process.env.HEARTH_LISTEN_PORT ?? 0), '127.0.0.1', callback);
};
