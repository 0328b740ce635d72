/** What a v1 handler throws: the text (or errno object) the client receives as {event:"error", error}. */
export class HandlerError extends Error {
  constructor(
    message: string,
    readonly value: string | Record<string, unknown> = message,
  ) {
    super(message);
  }
}

/** An error before any handler runs: HTTP 400 {error}. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const noReadAccess = (account_id: string, project_id: string) =>
  new HandlerError(`User ${account_id} does not have read access to project ${project_id}`);
export const noWriteAccess = (account_id: string, project_id: string) =>
  new HandlerError(`User ${account_id} does not have write access to project ${project_id}`);
