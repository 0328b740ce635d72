// A loopback server answering every POST like a v1 `ping`; run in its own process so it does not share the client's event loop.
import { createServer } from "node:http";
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const body = JSON.stringify({ event: "pong", id: "00000000-0000-4000-8000-000000000000", now: new Date().toISOString() });
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
