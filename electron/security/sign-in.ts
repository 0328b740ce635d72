/**
 * Getting an API key by signing in, as the API docs describe for embedding
 * apps: open {server}/app?get_api_key=<app>, and after a successful sign-in
 * the server redirects to https://authenticated/?api_key=…, which the app
 * intercepts (the request never leaves the machine).
 */
export const SIGN_IN_APP_NAME = "cocalc-desktop";

export function signInUrl(server: string): string {
  return `${server.replace(/\/+$/, "")}/app?get_api_key=${SIGN_IN_APP_NAME}`;
}

/** The key in an https://authenticated/?api_key=… URL, or null for any other URL. */
export function apiKeyFromRedirect(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== "https:" || u.hostname !== "authenticated") return null;
  const key = u.searchParams.get("api_key");
  return key && /^[\x21-\x7e]{8,512}$/.test(key) ? key : null;
}
