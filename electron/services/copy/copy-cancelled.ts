/**
 * What a cancelled copy amounts to. The server's own copy runs on after the
 * app stops waiting (facts §9). A copy the app makes itself (cocalc.ai) is
 * the app's: it stops there, and the transfer layer puts files into the
 * target only in its last step, each whole and checked by its sha256.
 */
import { ApiError } from "../../../shared/errors.js";

export function copyCancelled(byApp: boolean): ApiError {
  if (byApp) {
    return new ApiError("cancelled", "The copy was cancelled. The app was making it itself and has stopped: no file in the target is half-written, and unless the cancel came in its last step (putting the files in place) nothing arrived there.", {
      hint: "Look at the target to see what is there, and copy again to finish.",
    });
  }
  return new ApiError("cancelled", "Stopped waiting for the copy; the server may still finish it.", { hint: "Look at the target later to see what arrived." });
}
