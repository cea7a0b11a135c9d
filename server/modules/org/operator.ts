/** Who makes an organisation change, for its audit rows: a system admin over the web, or the console (no account). */
export interface Operator {
  actorId: string | null;
  /** The client's address, or "console". */
  ip: string;
}
