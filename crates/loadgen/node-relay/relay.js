// The idiomatic minimal fan-out relay on `ws`, the peer loadgen measures koersbord against
// (docs/PERFORMANCE.md, "Peers"). A socket at /room/<name> joins that room; every text message
// it sends goes to every other socket of the room, as it came: no parsing, no state, no storage.
// Prints `relay listening on http://127.0.0.1:<port>` once listening, like koersbord does.
'use strict';
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || 0);
const rooms = new Map();
const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });

wss.on('connection', (ws, req) => {
  const name = req.url;
  let room = rooms.get(name);
  if (!room) {
    room = new Set();
    rooms.set(name, room);
  }
  room.add(ws);
  ws.on('message', (data, isBinary) => {
    for (const other of room) {
      if (other !== ws && other.readyState === 1) other.send(data, { binary: isBinary });
    }
  });
  ws.on('close', () => {
    room.delete(ws);
    if (room.size === 0) rooms.delete(name);
  });
});

wss.on('listening', () => {
  console.log(`relay listening on http://127.0.0.1:${wss.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
