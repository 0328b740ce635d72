/** Small pieces every view uses: the API, calls with delayed progress, errors that say what to do. */
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { ApiError, type ApiErrorKind } from "../../shared/errors.js";
import type { CocalcApi } from "../../shared/ipc/api.js";

export interface AppContextValue {
  api: CocalcApi;
  /** Views report failures here; losing the server puts the whole app into "reconnecting". */
  report: (e: unknown) => void;
  /** Bumped each time the server comes back, so views reload. */
  epoch: number;
  /** A project's state as the server confirmed it after an action, so every view shows it. */
  onProjectState?: (project_id: string, state: string | null) => void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const v = useContext(AppContext);
  if (!v) throw new Error("AppContext is missing");
  return v;
}

/** This page load's CSP style nonce (index.html's meta): style elements the app adds must carry it. */
export const cspNonce = (): string => document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? "";

/** Kinds that mean the server cannot be reached right now (as opposed to refusing a request). */
export const OFFLINE_KINDS: ReadonlySet<ApiErrorKind> = new Set(["network", "timeout", "tls"]);

/**
 * A timeout the server reported about the work itself (a command stopped at
 * its own time limit) is an answer, not a lost connection: those are the
 * timeouts not worth repeating as they are, and their words are shown.
 */
export function isOffline(e: unknown): boolean {
  if (!(e instanceof ApiError)) return false;
  if (e.kind === "timeout") return e.retryable;
  return OFFLINE_KINDS.has(e.kind) || (e.kind === "non-json" && (e.status ?? 0) >= 500);
}

export function toApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError("internal", e instanceof Error ? e.message : String(e));
}

/** Progress appears only for calls slower than this, so quick ones do not flicker. */
export const PROGRESS_DELAY_MS = 300;

/**
 * Run calls with state: `busy` turns true only after PROGRESS_DELAY_MS, the
 * last error is kept for display, and every error is also reported to the app.
 */
export function useCall() {
  const { report } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(
    async <T,>(fn: () => Promise<T>, onError?: (e: ApiError) => void): Promise<T | undefined> => {
      setError(null);
      const t = setTimeout(() => mounted.current && setBusy(true), PROGRESS_DELAY_MS);
      try {
        return await fn();
      } catch (e) {
        const err = toApiError(e);
        // A lost server is shown once, by the app's banner, not again in every view.
        if (mounted.current && !isOffline(err)) setError(err);
        report(err);
        onError?.(err);
        return undefined;
      } finally {
        clearTimeout(t);
        if (mounted.current) setBusy(false);
      }
    },
    [report],
  );
  return { busy, error, setError, run };
}

export function Busy({ label }: { label: string }) {
  return (
    <span className="busy" role="status" aria-live="polite">
      {label}
    </span>
  );
}

export function ErrorNote({ error, onRetry }: { error: ApiError | null; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div className="banner error" role="alert">
      <div>{error.message}</div>
      {error.hint !== error.message && <div className="hint">{error.hint}</div>}
      {error.serverMessage && error.serverMessage !== error.message && (
        // The server's own words, for a report or a search; the message above says it in the user's terms.
        <details className="details">
          <summary>Details</summary>
          <pre>{error.serverMessage}</pre>
        </details>
      )}
      {error.kind === "limit" && error.limit?.what === "running" && error.limit.running.length > 0 && <StopToMakeRoom running={error.limit.running} onDone={onRetry} />}
      {onRetry && (
        <div className="row" style={{ marginTop: 6 }}>
          <button onClick={onRetry}>Try again</button>
        </div>
      )}
    </div>
  );
}

/** The plan's one running project is taken: one click stops it (and retries where the view can). */
function StopToMakeRoom({ running, onDone }: { running: { project_id: string; title: string | null }[]; onDone?: () => void }) {
  const { api, onProjectState } = useApp();
  const [state, setState] = useState<"idle" | "stopping" | "stopped" | "failed">("idle");
  const names = running.map((p) => (p.title ? `“${p.title}”` : "the running project")).join(", ");
  const stop = async () => {
    setState("stopping");
    try {
      for (const p of running) {
        const r = await api.projects.action({ project_id: p.project_id, action: "stop" });
        onProjectState?.(p.project_id, r.state);
      }
      setState("stopped");
      onDone?.();
    } catch {
      setState("failed");
    }
  };
  return (
    <div className="row" style={{ marginTop: 6 }}>
      <button className="primary" disabled={state === "stopping" || state === "stopped"} onClick={() => void stop()}>
        {state === "stopping" ? "Stopping…" : `Stop ${names}`}
      </button>
      {state === "stopped" && <span role="status">Stopped {names}; try again now.</span>}
      {state === "failed" && <span role="status">Could not stop {names}; try again from Projects.</span>}
    </div>
  );
}

/** A value kept in localStorage (per app origin), e.g. command history per project. */
export function usePersisted<T>(key: string, initial: T): [T, (v: T) => void] {
  const read = useCallback((): T => {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? initial : (JSON.parse(raw) as T);
    } catch {
      return initial;
    }
  }, [key]);
  const [value, setValue] = useState<T>(read);
  useEffect(() => setValue(read()), [read]);
  const set = useCallback(
    (v: T) => {
      setValue(v);
      try {
        localStorage.setItem(key, JSON.stringify(v));
      } catch {
        /* storage full or unavailable: the value lives for this session */
      }
    },
    [key],
  );
  return [value, set];
}

export async function sha256Hex(text: string): Promise<string> {
  const buf = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <div className="row" style={{ justifyContent: "space-between", marginBottom: 8 }}>
        <h2 style={{ margin: 0, fontSize: 16 }}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
