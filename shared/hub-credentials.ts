/** The one JSON line the local hub prints when ready (and keeps in DIR/credentials.json): its address and admin. */
import { z } from "zod";

export const HubCredentials = z.object({
  url: z.string().url(),
  api_key: z.string().min(8),
  account_id: z.string(),
  email_address: z.string(),
  password: z.string(),
});
export type HubCredentials = z.infer<typeof HubCredentials>;
