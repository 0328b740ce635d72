/** The one JSON line the local hub prints when ready (and keeps in DIR/credentials.json): its address and admin. */
import { z } from "zod";

/** Which API the hub serves: API v1, the current classic one (v2 + conat), both, or cocalc.ai's. */
export const HubApiMode = z.enum(["v1", "current", "both", "ai"]);
export type HubApiMode = z.infer<typeof HubApiMode>;

export const HubCredentials = z.object({
  url: z.string().url(),
  /** with `--api ai` (hosted or launchpad), a scoped `sk-cc-v2.` key minted at this start */
  api_key: z.string().min(8),
  account_id: z.string(),
  email_address: z.string(),
  password: z.string(),
  /** absent from hubs before cocalc.ai was served */
  api: HubApiMode.optional(),
  ai_product: z.enum(["hosted", "launchpad", "plus"]).optional(),
});
export type HubCredentials = z.infer<typeof HubCredentials>;
