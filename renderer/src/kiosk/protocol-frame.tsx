/**
 * Protocol mode: the server's kiosk page in a frame, driven over
 * postMessage by the shared protocol client. The frame is never left blank
 * on screen: it stays covered until the page has answered, and when it does
 * not answer within a few seconds the view says why and the app's own
 * viewer takes over.
 */
import { useEffect, useRef, useState } from "react";
import { KioskProtocolClient, type KioskReply } from "../../../shared/kiosk/protocol.js";
import { PROTOCOL_ANSWER_MS } from "../../../shared/kiosk/decisions.js";

export function ProtocolFrame({
  origin,
  steps,
  title,
  onClient,
  onAnswered,
  onReply,
  answerMs = PROTOCOL_ANSWER_MS,
}: {
  origin: string;
  /** what the frame loads in order: the impersonate link, then the kiosk URL (or the kiosk URL alone) */
  steps: string[];
  title: string;
  onClient: (c: KioskProtocolClient | null) => void;
  onAnswered: (answered: boolean) => void;
  onReply: (r: KioskReply) => void;
  answerMs?: number;
}) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [step, setStep] = useState(0);
  const [ready, setReady] = useState(false);
  const cb = useRef({ onClient, onAnswered, onReply });
  cb.current = { onClient, onAnswered, onReply };
  const client = useRef<KioskProtocolClient | null>(null);

  useEffect(() => {
    const c = new KioskProtocolClient({ origin, target: () => frame.current?.contentWindow ?? null, onReply: (r) => cb.current.onReply(r) });
    client.current = c;
    const onMessage = (e: MessageEvent) => void c.handleMessage(e);
    window.addEventListener("message", onMessage);
    cb.current.onClient(c);
    setStep(0);
    setReady(false);
    return () => {
      window.removeEventListener("message", onMessage);
      c.close();
      client.current = null;
      cb.current.onClient(null);
    };
  }, [origin, steps]);

  // The impersonate page redirects by script: go on to the file after that redirect, or after a moment.
  const loads = useRef(0);
  const onLoad = () => {
    loads.current += 1;
    if (step < steps.length - 1) {
      if (loads.current >= 2) {
        loads.current = 0;
        setStep((s) => s + 1);
      } else {
        setTimeout(() => {
          if (loads.current === 1) {
            loads.current = 0;
            setStep((s) => Math.min(s + 1, steps.length - 1));
          }
        }, 1500);
      }
      return;
    }
    loads.current = 0;
    const c = client.current;
    if (!c || c.isReady) return;
    void c.probe(answerMs).then((answered) => {
      if (client.current !== c) return;
      setReady(answered);
      cb.current.onAnswered(answered);
    });
  };

  return (
    <div className="protocol-frame">
      {!ready && (
        <div className="frame-cover" role="status">
          Waiting for the server's kiosk page to answer…
        </div>
      )}
      <iframe
        ref={frame}
        title={title}
        src={steps[step]}
        style={ready ? undefined : { visibility: "hidden" }}
        sandbox="allow-scripts allow-same-origin allow-forms"
        referrerPolicy="no-referrer"
        onLoad={onLoad}
      />
    </div>
  );
}
