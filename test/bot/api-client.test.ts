import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { callApi, NetworkError, PlatformApiError } from '../../src/bot/api-client';

/**
 * The platform client's own HTTP (src/bot/api-client.ts) against a real local server: connections
 * kept alive between calls, a kept connection the server drops when it is reused, errcode and 5xx
 * told apart.
 */
describe('platform API client', () => {
  let server: Server;
  let base: string;
  const connections = new Set<Socket>();
  /** What the server does with the n-th request it sees on a connection (1-based). */
  let onRequest: (n: number, answer: (status: number, body: unknown) => void, socket: Socket) => void;

  beforeEach(async () => {
    connections.clear();
    onRequest = (_n, answer) => answer(200, { errcode: 0, ok: true });
    server = createServer((req, res) => {
      const socket = req.socket as Socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      req.resume();
      req.on('end', () =>
        onRequest(socket.served!, (status, body) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(typeof body === 'string' ? body : JSON.stringify(body));
        }, socket),
      );
    });
    server.on('connection', (socket) => connections.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('keeps one connection for calls in a row', async () => {
    for (let i = 0; i < 5; i++) expect(await callApi(base, '/cgi-bin/message/send', { query: { access_token: 't' }, body: { i } })).toEqual({ errcode: 0, ok: true });
    expect(connections.size).toBe(1);
  });

  it('a kept connection the server drops when it is reused: the call goes out again once, on a new connection', async () => {
    onRequest = (n, answer, socket) => (n === 1 || connections.size > 1 ? answer(200, { errcode: 0, n }) : socket.destroy());
    await callApi(base, '/first', { body: {} });
    expect(await callApi(base, '/second', { body: {} })).toEqual({ errcode: 0, n: 1 });
    expect(connections.size).toBe(2);
  });

  it('errcode is a platform answer; 5xx and a body that is not JSON are network failures', async () => {
    onRequest = (_n, answer) => answer(200, { errcode: 45009, errmsg: 'api freq out of limit' });
    await expect(callApi(base, '/cgi-bin/message/send', { body: {} })).rejects.toMatchObject({ constructor: PlatformApiError, errcode: 45009 });
    onRequest = (_n, answer) => answer(502, { bad: 'gateway' });
    await expect(callApi(base, '/cgi-bin/message/send', { body: {} })).rejects.toMatchObject({ constructor: NetworkError, httpStatus: 502 });
    onRequest = (_n, answer) => answer(200, '<html>busy</html>');
    await expect(callApi(base, '/cgi-bin/message/send', { body: {} })).rejects.toBeInstanceOf(NetworkError);
  });
});
