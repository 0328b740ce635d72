/** Servers: the profile list, adding one (URL + key, or signing in), testing, switching, renaming, removing. */
import { useEffect, useState } from "react";
import type { ApiError } from "../../../shared/errors.js";
import { ApiKeyInput, type Profile } from "../../../shared/ipc/contract.js";
import { Busy, ErrorNote, Section, useApp, useCall } from "../lib.js";
import { useConfirm } from "../ConfirmDialog.js";

type TestResult = { generation: string; email_address: string | null; latency_ms: number };

/** A typed key checked with the contract's own schema, so the form and the main process agree on what a key is. */
export function keyProblem(key: string): string | null {
  if (key === "") return null;
  const r = ApiKeyInput.safeParse(key);
  return r.success ? null : `This API key ${r.error.issues[0]?.message ?? "is not valid"}.`;
}

function defaultName(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function Connect({ profiles, activeId, onChanged, onConnected }: { profiles: Profile[]; activeId: string | null; onChanged: () => Promise<void>; onConnected: () => void }) {
  const { api } = useApp();
  const add = useCall();
  const row = useCall();
  const { ask, dialog } = useConfirm();
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [key, setKey] = useState("");
  const [ca, setCa] = useState("");
  const [tested, setTested] = useState<Record<string, TestResult>>({});
  /** the last test of a profile that failed: its status says so instead of an old success */
  const [failed, setFailed] = useState<Record<string, ApiError>>({});
  const badKey = keyProblem(key);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [newName, setNewName] = useState("");
  const [store, setStore] = useState<{ kind: string; warning: string | null } | null>(null);

  useEffect(() => {
    void api.app.info({}).then((i) => setStore(i.secret_store), () => undefined);
  }, [api]);

  const test = async (id: string) => {
    const r = await row.run(() => api.profiles.test({ id }), (e) => setFailed((f) => ({ ...f, [id]: e })));
    if (r) {
      setTested((t) => ({ ...t, [id]: r }));
      setFailed(({ [id]: _gone, ...rest }) => rest);
    }
    return r;
  };

  const submit = async (how: "key" | "signin") => {
    if (how === "key" && badKey) return;
    const p = await add.run(() =>
      how === "key"
        ? api.profiles.add({ name: name.trim() || defaultName(url), url, api_key: key, ...(ca.trim() ? { ca_pem: ca } : {}) })
        : api.profiles.signIn({ name: name.trim() || defaultName(url), url }),
    );
    if (!p) return;
    setKey("");
    await onChanged();
    // Only a server that answered becomes the active one: a failed test leaves it listed, with why, and the working one active.
    if (!(await test(p.id))) return;
    if (!(await add.run(() => api.profiles.switch({ id: p.id })))) return;
    await onChanged();
    onConnected();
  };

  return (
    <>
      <h1 style={{ margin: 0, fontSize: 20 }}>Connect</h1>
      {store?.warning && (
        <div className="banner warn" role="status">
          {store.warning}
        </div>
      )}
      <Section title="Servers">
        {profiles.length === 0 ? (
          <p className="muted">No server yet. Add one below.</p>
        ) : (
          <table aria-label="Servers">
            <thead>
              <tr>
                <th>Name</th>
                <th>Address</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {profiles.map((p) => (
                <tr key={p.id} aria-current={p.id === activeId ? "true" : undefined}>
                  <td>
                    {renaming === p.id ? (
                      <form
                        className="row"
                        onSubmit={async (e) => {
                          e.preventDefault();
                          if (await row.run(() => api.profiles.rename({ id: p.id, name: newName }))) setRenaming(null);
                          await onChanged();
                        }}
                      >
                        <input aria-label="New name" value={newName} onChange={(e) => setNewName(e.target.value)} autoFocus />
                        <button type="submit">Save</button>
                        <button type="button" onClick={() => setRenaming(null)}>
                          Cancel
                        </button>
                      </form>
                    ) : (
                      <strong>{p.name}</strong>
                    )}
                    {p.id === activeId && <span className="muted"> (active)</span>}
                    {p.embedded && <div className="muted">the local hub on this computer</div>}
                  </td>
                  <td className="mono">{p.url}</td>
                  <td>
                    {!p.has_key ? (
                      <span className="exit bad">no key</span>
                    ) : failed[p.id] ? (
                      <span className="exit bad" title={failed[p.id]!.message}>
                        {failed[p.id]!.kind === "auth" ? "key refused" : "test failed"}
                      </span>
                    ) : tested[p.id] ? (
                      <span className="exit ok">
                        API {tested[p.id]!.generation} · {tested[p.id]!.email_address ?? "signed in"} · {tested[p.id]!.latency_ms} ms
                      </span>
                    ) : p.generation ? (
                      <span className="muted">API {p.generation}</span>
                    ) : (
                      <span className="muted">not tested</span>
                    )}
                  </td>
                  <td>
                    <div className="row">
                      <button onClick={() => void test(p.id)} aria-label={`Test ${p.name}`}>
                        Test
                      </button>
                      {p.id !== activeId && (
                        <button
                          className="primary"
                          aria-label={`Use ${p.name}`}
                          onClick={async () => {
                            if (await row.run(() => api.profiles.switch({ id: p.id }))) {
                              await onChanged();
                              onConnected();
                            }
                          }}
                        >
                          Use
                        </button>
                      )}
                      <button
                        aria-label={`Rename ${p.name}`}
                        onClick={() => {
                          setRenaming(p.id);
                          setNewName(p.name);
                        }}
                      >
                        Rename
                      </button>
                      <button
                        className="danger"
                        aria-label={`Remove ${p.name}`}
                        onClick={async () => {
                          const yes = await ask({
                            title: `Remove ${p.name}?`,
                            body: `The server "${p.name}" and its key are removed from this computer. Nothing on the server changes; add it again with its URL and a key.`,
                            confirm: "Remove",
                            danger: true,
                          });
                          if (!yes) return;
                          await row.run(() => api.profiles.remove({ id: p.id }));
                          await onChanged();
                        }}
                      >
                        Remove
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {row.busy && <Busy label="Talking to the server…" />}
        <ErrorNote error={row.error} />
      </Section>
      <Section title="Add a server">
        <form
          className="row"
          style={{ alignItems: "flex-end" }}
          onSubmit={(e) => {
            e.preventDefault();
            void submit("key");
          }}
        >
          <label style={{ flexDirection: "column", alignItems: "stretch" }}>
            Name
            <input aria-label="Server name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Work" />
          </label>
          <label style={{ flexDirection: "column", alignItems: "stretch" }} className="grow">
            Server URL
            <input aria-label="Server URL" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://cocalc.ai" required />
          </label>
          <label style={{ flexDirection: "column", alignItems: "stretch" }} className="grow">
            API key
            <input
              aria-label="API key"
              value={key}
              onChange={(e) => setKey(e.target.value)}
              type="password"
              autoComplete="off"
              placeholder="sk-cc-v2.… (cocalc.ai) or sk-…"
              aria-invalid={badKey ? true : undefined}
              aria-describedby={badKey ? "api-key-problem" : undefined}
            />
          </label>
          <button type="submit" className="primary" disabled={!url || !key || !!badKey}>
            Add with key
          </button>
          <button type="button" disabled={!url} onClick={() => void submit("signin")} title="Opens the server's sign-in page in a separate window">
            Sign in to get a key
          </button>
        </form>
        {badKey && (
          <p id="api-key-problem" className="field-error" role="alert" aria-label="API key problem">
            {badKey}
          </p>
        )}
        <details style={{ marginTop: 8 }}>
          <summary className="muted">A self-hosted server with its own certificate authority</summary>
          <textarea aria-label="CA certificate (PEM)" rows={4} style={{ width: "100%", marginTop: 6 }} value={ca} onChange={(e) => setCa(e.target.value)} placeholder="-----BEGIN CERTIFICATE-----" />
        </details>
        <p className="muted" style={{ marginBottom: 0 }}>
          The key goes to your system's keychain; this window never sees it again. On cocalc.ai, make it in Settings → SSH &amp; API keys (with two-factor
          authentication) and give it the capabilities and projects the app should reach; on other servers, find it in the account settings under API keys.
        </p>
        {add.busy && <Busy label="Checking the server…" />}
        <ErrorNote error={add.error} />
      </Section>
      {dialog}
    </>
  );
}
