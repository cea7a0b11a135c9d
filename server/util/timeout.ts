/**
 * `work`, or a rejection after `ms` if it has not settled by then (the work itself goes on; its
 * result is ignored). For checks that must not hold a probe or a scrape behind a slow part.
 */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
