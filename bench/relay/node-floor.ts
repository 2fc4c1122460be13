/**
 * Child-process script: the floor of any relay written for Node. It forwards TCP bytes between
 * the client and the emitter and nothing else: no HTTP parsing, no SSE, no auth, no timers. Per
 * event that is one read callback, one copy and one `socket.write`, the least a Node process can
 * do to pass an event on. The bench runs it with the relay's heap flags next to the relay, so the
 * relay's tail can be told apart from the runtime's on the same box in the same run.
 * Usage: node <RELAY_NODE_FLAGS> --import tsx node-floor.ts <emitterPort>; prints `{"port":N}`.
 */
import { connect, createServer } from 'node:net'
import { carve } from '../../relay/src/chat/slab'

const emitterPort = Number(process.argv[2])
/** Shared by every upstream socket, as in the relay: each read is copied out before its callback returns. */
const READ = Buffer.allocUnsafe(64 * 1024)

const server = createServer({ noDelay: true }, (client) => {
  const upstream = connect({
    host: '127.0.0.1',
    port: emitterPort,
    onread: {
      buffer: READ,
      callback: (n: number): boolean => {
        // A copy, because the write may be queued while READ takes the next socket's bytes.
        const bytes = carve(n)
        READ.copy(bytes, 0, 0, n)
        client.write(bytes)
        return true
      },
    },
  })
  upstream.setNoDelay(true)
  client.on('data', (bytes: Buffer) => upstream.write(bytes))
  client.on('close', () => upstream.destroy())
  upstream.on('close', () => client.destroy())
  // A reset on either side just ends the pair (the close handlers above).
  client.on('error', () => {})
  upstream.on('error', () => {})
})

server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address && typeof address === 'object') console.log(JSON.stringify({ port: address.port }))
})
