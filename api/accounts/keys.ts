import { createHash } from "node:crypto";

/** API keys: 32 random bytes shown once; only their SHA-256 is stored. */
export const KEY_PREFIX = "jcmk_";

export function generateKey(random: (bytes: number) => Uint8Array): string {
  return KEY_PREFIX + Buffer.from(random(32)).toString("base64url");
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}
