/** How cocalc.ai names an account in its replies. */
import type { Account } from "../store.js";

export const displayName = (a: Account) => `${a.first_name} ${a.last_name}`.trim();
