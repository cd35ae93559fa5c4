/** The scopes of API credentials: `read` lists and shows, `write` changes objects and starts scans, `issue` issues
 * and revokes certificates, `admin` does all of it and manages tokens. */
export const SCOPES = ['read', 'write', 'issue', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const isScope = (text: string): text is Scope => (SCOPES as readonly string[]).includes(text);
