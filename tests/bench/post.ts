import http from 'node:http';

/**
 * One GraphQL POST with a bearer token over `agent` (kept-alive connections), for the benchmarks'
 * load generators. node:http rather than the global fetch (undici): fetch costs the generator
 * about 1.5 ms of CPU per request against 0.7 ms here, and on a 2-core machine that CPU is taken
 * from the server and PostgreSQL. Rejects on a connection error; any HTTP status resolves.
 */
export function postGraphQL(url: string | URL, agent: http.Agent, token: string, payload: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${token}` },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
