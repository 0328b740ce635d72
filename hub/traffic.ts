/**
 * What tests need to see of the hub's traffic, and a server as slow as a
 * real one under load: every request is counted (path and time), a reply
 * the client stopped waiting for is counted as dropped, and with
 * `replyMsPerMB` each reply is held back in proportion to its size (a real
 * v1 server on two loaded cores did not answer 2.4 MB replies within 30 s,
 * facts §10).
 */
import type { NextFunction, Request, Response } from "express";

export interface Traffic {
  requests: Array<{ method: string; path: string; at: number }>;
  /** replies whose client had gone before they were sent */
  dropped: number;
  /** requests not yet answered (or dropped) */
  inflight: number;
}

const KEEP = 100_000;

export function newTraffic(): Traffic {
  return { requests: [], dropped: 0, inflight: 0 };
}

/** Only the one setting it reads, so the hub's context can own a Traffic without a cycle. */
export function trafficMiddleware(traffic: Traffic, settings: { readonly replyMsPerMB: number }) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (traffic.requests.length >= KEEP) traffic.requests.splice(0, KEEP / 2);
    traffic.requests.push({ method: req.method, path: req.path, at: Date.now() });
    traffic.inflight++;
    res.on("close", () => {
      traffic.inflight--;
      if (!res.writableFinished) traffic.dropped++;
    });
    const msPerMB = settings.replyMsPerMB;
    if (msPerMB > 0) {
      const send = res.send.bind(res);
      res.send = (body?: unknown) => {
        const bytes = typeof body === "string" || Buffer.isBuffer(body) ? Buffer.byteLength(body) : Buffer.byteLength(JSON.stringify(body ?? null));
        setTimeout(() => void (res.destroyed ? undefined : send(body)), (bytes / 1e6) * msPerMB);
        return res;
      };
    }
    next();
  };
}
