/** The Files view's reading state takes only valid progress events of its own request. */
import { describe, expect, it } from "vitest";
import { progressed, type Reading } from "../../renderer/src/views/files/open/useDocReading.js";

const ID = "6f1c2f9e-0a4b-4c1e-9a53-2f1f7f1b8e11";
const OTHER = "0b7a3c1e-1111-4c1e-9a53-2f1f7f1b8e11";
const r: Reading = { path: "big.txt", request_id: ID, received: 0, total: null, shown: true };

describe("progressed", () => {
  it.each([
    ["its own event", { request_id: ID, path: "big.txt", received: 640_000, total: 3_400_000 }, { ...r, received: 640_000, total: 3_400_000 }],
    ["another request's event", { request_id: OTHER, path: "big.txt", received: 1, total: 2 }, r],
    ["a malformed event", { request_id: ID, received: -1, total: 2 }, r],
    ["not an object", "640000", r],
  ])("%s", (_what, payload, want) => {
    expect(progressed(r, payload)).toEqual(want);
  });
  it("nothing being read stays so", () => {
    expect(progressed(null, { request_id: ID, path: "big.txt", received: 1, total: 2 })).toBeNull();
  });
});
