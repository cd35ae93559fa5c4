/**
 * Seals the secrets Custos keeps in its database (webhook secrets, Slack and webhook URLs that carry tokens) under a
 * key kept outside it, derived from the audit key. `seal` gives a versioned text (`custos-sealed:v1:...`, a fresh
 * IV each time); `open` gives the value back, reads a value written before sealing (no prefix) as it is, and fails
 * with CUSTOS_KEY_INVALID when the value was sealed under another key or was altered.
 */
export interface SecretCipher {
  seal(plaintext: string): string;
  open(stored: string): string;
}
