/**
 * The chat benchmark's baseline: a plain `ws` broadcast server with the same group layout,
 * speaking just enough of Jiaoliu's wire protocol for the same client process to drive it.
 *
 * - WebSocket /graphql, subprotocol graphql-transport-ws: connection_init { token } is answered
 *   with connection_ack; a subscribe adds the socket to every group of that token's user.
 * - POST /graphql with `authorization: Bearer <token>` and the sendMessage variables
 *   { c: conversationId, b: body, k: clientMessageId }: numbers the message in its group, sends
 *   one `next` frame (the same JSON shape Jiaoliu sends) to every member socket, then answers.
 *
 * No database, no GraphQL execution, no per-recipient work beyond the socket write: the
 * floor that Jiaoliu's figures are compared with.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GroupPlan } from './protocol.js';

export interface PlainServer {
  port: number;
  close: () => Promise<void>;
}

interface Subscriber {
  socket: WebSocket;
  /** The subscribe id the client chose, echoed in every `next` frame. */
  id: string;
}

export async function startPlainServer(tokens: string[], groups: GroupPlan[]): Promise<PlainServer> {
  const userByToken = new Map(tokens.map((token, index) => [token, index]));
  const groupsByUser = new Map<number, number[]>();
  groups.forEach((group, g) => group.members.forEach((m) => groupsByUser.set(m, [...(groupsByUser.get(m) ?? []), g])));
  const groupByConversation = new Map(groups.map((group, g) => [group.conversationId, g]));
  const memberSets = groups.map((group) => new Set(group.members));
  const subscribers = groups.map(() => new Set<Subscriber>());
  const seqs = groups.map(() => 0);

  const answer = (response: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };

  const server = http.createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/graphql') return answer(response, 404, { errors: [{ message: 'not found' }] });
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let variables: { c?: string; b?: string; k?: string };
      try {
        variables = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables?: typeof variables }).variables ?? {};
      } catch {
        return answer(response, 400, { errors: [{ message: 'bad JSON' }] });
      }
      const user = userByToken.get(request.headers.authorization?.slice('Bearer '.length) ?? '');
      const g = groupByConversation.get(variables.c ?? '');
      if (user === undefined || g === undefined || !memberSets[g].has(user) || !variables.b) return answer(response, 200, { data: null, errors: [{ message: 'refused' }] });
      const message = { id: randomUUID(), seq: ++seqs[g], body: variables.b, conversationId: variables.c };
      const payload = JSON.stringify({ data: { chatEvents: { type: 'MESSAGE_ADDED', message } } });
      // One serialised frame per distinct subscribe id (all the benchmark's clients use "1").
      const frames = new Map<string, string>();
      for (const subscriber of subscribers[g]) {
        let frame = frames.get(subscriber.id);
        if (!frame) frames.set(subscriber.id, (frame = `{"id":${JSON.stringify(subscriber.id)},"type":"next","payload":${payload}}`));
        subscriber.socket.send(frame);
      }
      answer(response, 200, { data: { sendMessage: { id: message.id, seq: message.seq } } });
    });
  });

  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('graphql-transport-ws') ? 'graphql-transport-ws' : false),
  });
  wss.on('connection', (socket) => {
    let user: number | undefined;
    const mine: Array<[number, Subscriber]> = [];
    socket.on('message', (data) => {
      let frame: { type?: string; id?: string; payload?: { token?: string } };
      try {
        frame = JSON.parse(String(data)) as typeof frame;
      } catch {
        return socket.close(4400, 'bad frame');
      }
      if (frame.type === 'connection_init') {
        user = userByToken.get(frame.payload?.token ?? '');
        socket.send(JSON.stringify({ type: 'connection_ack' }));
      } else if (frame.type === 'subscribe') {
        if (user === undefined) return socket.close(4401, 'Unauthorized');
        for (const g of groupsByUser.get(user) ?? []) {
          const subscriber = { socket, id: frame.id ?? '1' };
          subscribers[g].add(subscriber);
          mine.push([g, subscriber]);
        }
      } else if (frame.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    });
    socket.on('close', () => mine.forEach(([g, subscriber]) => subscribers[g].delete(subscriber)));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: async () => {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
