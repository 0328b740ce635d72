/**
 * The exec console: a command (with arguments, one per line) or a bash
 * script, a working folder, a timeout and an output limit; stdout, stderr
 * and the exit code shown apart, the output as it comes (pushed as
 * `exec.output`) and kept after a cancel or a timeout; a running command can
 * be cancelled (the app stops its processes on the server and says whether
 * it could confirm that); history per project, kept between runs.
 */
import { useEffect, useRef, useState } from "react";
import { ExecOutputEvent, type ProjectSummary } from "../../../shared/ipc/contract.js";
import { ErrorNote, Busy, usePersisted, useApp, useCall, toApiError } from "../lib.js";
import { ConsoleOutput } from "./ConsoleOutput.js";

interface HistoryItem {
  command: string;
  bash: boolean;
  args: string;
  path: string;
}

interface Result {
  stdout: string;
  stderr: string;
  exit_code: number;
  duration_ms: number;
}

/** What came of a command while it ran, for as long as the server has not given its result. */
interface Live {
  request_id: string;
  stdout: string;
  stderr: string;
}

/** Output pushed for the command that runs now, kept to the output limit as the server keeps it. */
function appended(live: Live | null, payload: unknown, max: number): Live | null {
  const e = ExecOutputEvent.safeParse(payload);
  if (!live || !e.success || e.data.request_id !== live.request_id) return live;
  return { ...live, stdout: (live.stdout + e.data.stdout).slice(0, max), stderr: (live.stderr + e.data.stderr).slice(0, max) };
}

export function Console({ project }: { project: ProjectSummary }) {
  const { api } = useApp();
  const call = useCall();
  const [bash, setBash] = useState(true);
  const [command, setCommand] = useState("");
  const [args, setArgs] = useState("");
  const [path, setPath] = useState("");
  const [timeout, setTimeoutS] = useState(30);
  const [maxOutput, setMaxOutput] = useState(1_000_000);
  const [running, setRunning] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [stopping, setStopping] = useState(false);
  /** a cancelled command: what became of it on the server */
  const [cancelled, setCancelled] = useState<{ message: string; hint: string; stopped: boolean } | null>(null);
  const [history, setHistory] = usePersisted<HistoryItem[]>(`cocalc:history:${project.project_id}`, []);
  const [live, setLive] = useState<Live | null>(null);
  /** why the output shown is not the server's result: the command was cancelled, stopped or failed */
  const [ended, setEnded] = useState<string | null>(null);
  const recall = useRef(-1);
  const maxRef = useRef(maxOutput);
  maxRef.current = maxOutput;
  useEffect(() => api.on("exec.output", (payload) => setLive((l) => appended(l, payload, maxRef.current))), [api]);
  const cancelling = useRef<Promise<{ stopped?: boolean } | undefined> | null>(null);

  const run = async () => {
    if (!command.trim() || running) return;
    const request_id = crypto.randomUUID();
    const item: HistoryItem = { command, bash, args, path };
    setHistory([item, ...history.filter((h) => JSON.stringify(h) !== JSON.stringify(item))].slice(0, 100));
    recall.current = -1;
    setRunning(request_id);
    setResult(null);
    setCancelled(null);
    setLive({ request_id, stdout: "", stderr: "" });
    setEnded(null);
    cancelling.current = null;
    const argList = args.split("\n").filter((a) => a !== "");
    const r = await call.run(async () => {
      try {
        return await api.exec.run({
          request_id,
          project_id: project.project_id,
          command,
          bash,
          ...(bash || argList.length === 0 ? {} : { args: argList }),
          ...(path ? { path } : {}),
          timeout,
          max_output: maxOutput,
        });
      } catch (e) {
        const err = toApiError(e);
        if (err.kind !== "cancelled") throw e;
        // A cancel is the person's own doing, not a failure: say what became of the command.
        const c = await cancelling.current;
        setCancelled({ message: err.message, hint: err.hint, stopped: c?.stopped === true });
        setEnded("Output before the cancel");
        return undefined;
      }
    });
    setRunning(null);
    setStopping(false);
    if (r) {
      // the server's result is the whole output: it replaces what was pushed
      setResult(r);
      setLive(null);
    } else setEnded((e) => e ?? "Output before it stopped");
  };

  const cancel = async () => {
    if (!running || stopping) return;
    setStopping(true);
    cancelling.current = api.exec.cancel({ request_id: running }).catch(() => undefined);
    await cancelling.current;
  };

  return (
    <>
      <h1 style={{ margin: 0, fontSize: 20 }}>Console</h1>
      <form
        className="card"
        style={{ display: "grid", gap: 8 }}
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <div className="row">
          <label>
            <input type="radio" name="mode" checked={bash} onChange={() => setBash(true)} /> Bash script
          </label>
          <label>
            <input type="radio" name="mode" checked={!bash} onChange={() => setBash(false)} /> Command with arguments
          </label>
        </div>
        <textarea
          aria-label={bash ? "Script" : "Command"}
          className="mono"
          rows={bash ? 4 : 1}
          value={command}
          placeholder={bash ? "ls -la; echo done" : "ls"}
          onChange={(e) => setCommand(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void run();
            } else if (e.key === "ArrowUp" && e.altKey && history.length) {
              e.preventDefault();
              recall.current = Math.min(recall.current + 1, history.length - 1);
              const h = history[recall.current]!;
              setCommand(h.command);
              setBash(h.bash);
              setArgs(h.args);
              setPath(h.path);
            }
          }}
        />
        {!bash && <textarea aria-label="Arguments, one per line" className="mono" rows={3} value={args} placeholder={"-la\nsome folder"} onChange={(e) => setArgs(e.target.value)} />}
        <div className="row">
          <label>
            Folder <input aria-label="Working folder" value={path} placeholder="~ (home)" onChange={(e) => setPath(e.target.value)} />
          </label>
          <label>
            Timeout (s) <input aria-label="Timeout in seconds" type="number" min={1} max={86400} value={timeout} onChange={(e) => setTimeoutS(Number(e.target.value) || 30)} style={{ width: 90 }} />
          </label>
          <label>
            Max output <input aria-label="Maximum output characters" type="number" min={1} value={maxOutput} onChange={(e) => setMaxOutput(Number(e.target.value) || 1_000_000)} style={{ width: 120 }} />
          </label>
          <span className="grow" />
          {running ? (
            <button type="button" className="danger" aria-label="Cancel the command" disabled={stopping} onClick={() => void cancel()}>
              {stopping ? "Stopping…" : "Cancel"}
            </button>
          ) : (
            <button type="submit" className="primary" disabled={!command.trim()}>
              Run <kbd>Ctrl Enter</kbd>
            </button>
          )}
        </div>
      </form>
      {running && <Busy label={stopping ? "Stopping the command on the server…" : "Running… (a stopped project is started first)"} />}
      {call.busy && !running && <Busy label="Working…" />}
      {call.error?.kind !== "cancelled" && <ErrorNote error={call.error} />}
      {cancelled && (
        <div className={`banner ${cancelled.stopped ? "ok" : "warn"}`} role="status" aria-label="Command cancelled">
          <div>{cancelled.message}</div>
          <div className="hint">{cancelled.hint}</div>
        </div>
      )}
      {result && <ConsoleOutput label="Command output" output={result} />}
      {!result && live && (running || live.stdout || live.stderr) && (
        <ConsoleOutput
          label={running ? "Output so far" : (ended ?? "Output so far")}
          output={live}
          running={!!running}
          note={running ? "Running: the output appears as it comes" : "What the command printed before it ended here; the server gave no result"}
        />
      )}
      {history.length > 0 && (
        <section className="card" aria-label="History">
          <div className="row" style={{ justifyContent: "space-between" }}>
            <h2 style={{ margin: 0, fontSize: 16 }}>History</h2>
            <span className="muted">
              <kbd>Alt ↑</kbd> recalls
            </span>
          </div>
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {history.slice(0, 15).map((h, i) => (
              <li key={i}>
                <button
                  className="mono"
                  style={{ background: "none", border: "none", padding: 0, textAlign: "left" }}
                  onClick={() => {
                    setCommand(h.command);
                    setBash(h.bash);
                    setArgs(h.args);
                    setPath(h.path);
                  }}
                >
                  {h.command.split("\n")[0]}
                  {h.args ? ` ${h.args.split("\n").join(" ")}` : ""}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
