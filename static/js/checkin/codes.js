/* Badge codes, read as the server reads them (eventapp/services/checkin/check_ins.py: parse_code, code_hash).
 *
 * A badge's QR code carries `EVA1:` and the registration's badge secret. The prefix is read in
 * either case (some USB scanners send capitals); the secret is exact. The device is given the
 * SHA-256 of each secret, never the secret: it can recognise a badge, not make one.
 * tests/vectors/checkin.json holds the cases both sides must answer alike.
 */
export const PREFIX = "EVA1:";
const SECRET = /^[A-Za-z0-9_-]{16,64}$/;
// What Python's str.strip() takes off both ends (JavaScript's trim() differs: it keeps
// \x1c-\x1f and \x85, and takes off \ufeff).
const SPACE = "[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const EDGES = new RegExp(`^${SPACE}+|${SPACE}+$`, "g");

export function strip(text) {
  return text.replace(EDGES, "");
}

/** The badge secret in a scanned code, or null when it is not one of ours. */
export function parseCode(text) {
  if (typeof text !== "string") return null;
  const code = strip(text);
  if (code.slice(0, PREFIX.length).toUpperCase() !== PREFIX) return null;
  const secret = code.slice(PREFIX.length);
  return SECRET.test(secret) ? secret : null;
}

/** Whether this browser can hash (Web Crypto needs HTTPS, or localhost). */
export function canHash() {
  return Boolean(globalThis.crypto && globalThis.crypto.subtle);
}

/** The hex SHA-256 of a badge secret: what the offline list holds for each person. */
export async function codeHash(secret) {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
