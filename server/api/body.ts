// Reading request bodies with a size limit.
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds the limit of ${limit} bytes`);
  }
}

/**
 * Bytes of request bodies held at once, all requests together: many large bodies arriving at the
 * same time are refused (429) rather than held in memory. A request releases what it took when done.
 */
export class BodyBudget {
  private used = 0;

  constructor(
    readonly limit: number,
    private readonly tooMany: (used: number) => Error,
  ) {}

  take(n: number): void {
    if (this.used + n > this.limit) throw this.tooMany(this.used);
    this.used += n;
  }

  give(n: number): void {
    this.used -= n;
  }
}

/** Reads a body up to `limit` bytes; what it holds is taken from `budget` and left there (the caller gives it back). */
export async function readBody(
  req: IncomingMessage,
  limit: number,
  budget?: { budget: BodyBudget; taken: number },
): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    if (budget) {
      budget.budget.take(chunk.length);
      budget.taken += chunk.length;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
