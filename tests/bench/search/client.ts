/**
 * The search benchmark's load generator, in its own process (forked by tests/bench/search.ts)
 * so that building requests and parsing answers does not run on the server's event loop.
 * It receives a list of GraphQL requests and runs them with C callers in a closed loop, either
 * `total` of them or for `seconds`, cycling through the list, and answers with the latencies.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { postGraphQL } from '../post.js';

export interface ClientRequest {
  query: string;
  variables: Record<string, unknown>;
  token: string;
}

export interface RunMessage {
  type: 'run';
  endpoint: string;
  requests: ClientRequest[];
  concurrency: number;
  /** Either a number of requests, or a duration. */
  total?: number;
  seconds?: number;
  warmup: number;
}

export interface RunResult {
  type: 'result';
  latencies: number[];
  wallMs: number;
  errors: number;
  firstError: string;
  /** Answers whose connection had at least one edge (a sanity check that results came back). */
  nonEmpty: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

async function run(message: RunMessage): Promise<RunResult> {
  const endpoint = new URL(message.endpoint); // parsed once, not per request
  let errors = 0;
  let firstError = '';
  let nonEmpty = 0;
  let next = 0;
  const call = async () => {
    const request = message.requests[next++ % message.requests.length];
    const { status, text } = await postGraphQL(endpoint, agent, request.token, JSON.stringify({ query: request.query, variables: request.variables }));
    const body = JSON.parse(text) as { errors?: unknown[] };
    if (body.errors?.length || status < 200 || status >= 300) {
      errors += 1;
      firstError ||= text.slice(0, 300);
    } else if (text.includes('"edges":[{')) nonEmpty += 1;
  };
  for (let i = 0; i < message.warmup; i++) await Promise.all(Array.from({ length: message.concurrency }, call));
  errors = 0;
  nonEmpty = 0;
  firstError = '';
  const latencies: number[] = [];
  let issued = 0;
  const start = performance.now();
  const end = message.seconds ? start + message.seconds * 1000 : Infinity;
  const more = () => (message.total !== undefined ? issued < message.total : performance.now() < end);
  await Promise.all(
    Array.from({ length: message.concurrency }, async () => {
      while (more()) {
        issued += 1;
        const t = performance.now();
        await call();
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { type: 'result', latencies, wallMs: performance.now() - start, errors, firstError, nonEmpty };
}

process.on('message', (message: RunMessage | { type: 'close' }) => {
  if (message.type === 'close') process.exit(0);
  run(message).then(
    (result) => process.send!(result),
    (error) => process.send!({ type: 'result', latencies: [], wallMs: 0, errors: -1, firstError: String(error), nonEmpty: 0 }),
  );
});
