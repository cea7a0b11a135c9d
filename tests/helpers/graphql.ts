import { ClientError, GraphQLClient } from 'graphql-request';

export const DEMO_PASSWORD = 'Jiaoliu@2026';

export interface GqlError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * A GraphQL client over real HTTP. It keeps the session cookie like a browser, or sends a
 * bearer token like an API client.
 */
export class Client {
  private cookie: string | null = null;
  token: string | null = null;

  constructor(private readonly baseUrl: string, private readonly extraHeaders: Record<string, string> = {}) {}

  private client(): GraphQLClient {
    const headers: Record<string, string> = { ...this.extraHeaders };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    return new GraphQLClient(`${this.baseUrl}/graphql`, {
      headers,
      responseMiddleware: (response) => {
        if (response instanceof Error) return;
        const setCookie = response.headers.get('set-cookie');
        const match = setCookie?.match(/jiaoliu_session=([^;]*)/);
        if (match) this.cookie = match[1] ? `jiaoliu_session=${match[1]}` : null;
      },
    });
  }

  /** Runs the operation; throws ClientError on GraphQL errors. */
  request<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    return this.client().request<T>(query, variables);
  }

  /** Runs the operation and returns its errors (fails the test if there are none). */
  async errors(query: string, variables?: Record<string, unknown>): Promise<GqlError[]> {
    try {
      await this.request(query, variables);
    } catch (error) {
      if (error instanceof ClientError) return (error.response.errors ?? []) as GqlError[];
      throw error;
    }
    throw new Error('expected GraphQL errors, got none');
  }

  /** The extensions.code of the first error. */
  async errorCode(query: string, variables?: Record<string, unknown>): Promise<string | undefined> {
    return (await this.errors(query, variables))[0]?.extensions?.code;
  }

  async login(loginName: string, password = DEMO_PASSWORD): Promise<{ id: string; token: string }> {
    const data = await this.request<{ login: { token: string; user: { id: string } } }>(
      `mutation($l: String!, $p: String!) { login(loginName: $l, password: $p) { token user { id } } }`,
      { l: loginName, p: password },
    );
    return { id: data.login.user.id, token: data.login.token };
  }

  get hasCookie(): boolean {
    return this.cookie !== null;
  }
}

/** Signs in and returns a client holding that session cookie. */
export async function signedIn(baseUrl: string, loginName: string, password = DEMO_PASSWORD): Promise<Client & { userId: string }> {
  const client = new Client(baseUrl) as Client & { userId: string };
  client.userId = (await client.login(loginName, password)).id;
  return client;
}
