/** How the connection is brought to TLS: directly, or by a plain-text protocol's upgrade first. */
export type StartTlsMode = 'smtp' | 'postgres';

/** One place to connect to: a host name or IP address, a port, the SNI name to send, and the upgrade to do. */
export interface TlsEndpoint {
  /** A host name (lower case, no trailing dot) or an IP address in canonical text (IPv6 unbracketed). */
  host: string;
  port: number;
  /** The server name sent in the ClientHello, or null to send none. */
  sni: string | null;
  /** The plain-text upgrade to run before the handshake, or null for TLS from the first byte. */
  starttls: StartTlsMode | null;
}

/** Why an endpoint could not be read; every failure is one of these, and the scan goes on. */
export type ProbeFailureCode =
  'refused' | 'unreachable' | 'timeout' | 'dns' | 'not-tls' | 'handshake-failed' | 'reset';

export interface ProbeSuccess {
  ok: true;
  endpoint: TlsEndpoint;
  /** The address connected to. */
  address: string;
  /** The certificates of the server's Certificate message, DER, in the order served (leaf first if well formed). */
  chain: Uint8Array[];
  /** The negotiated protocol, as OpenSSL names it: `TLSv1.3`, `TLSv1.2`, ... */
  tlsVersion: string;
  /** The negotiated cipher suite, IANA name (`TLS_AES_256_GCM_SHA384`). */
  cipher: string;
  /** When the handshake completed. */
  at: Date;
}

export interface ProbeFailure {
  ok: false;
  endpoint: TlsEndpoint;
  /** The address tried, when the name resolved. */
  address: string | null;
  code: ProbeFailureCode;
  message: string;
  at: Date;
}

export type ProbeResult = ProbeSuccess | ProbeFailure;

/**
 * Connects to one endpoint and reads what it serves. Never throws for anything the peer or the network does:
 * every failure is a ProbeFailure. Each call has one deadline covering name resolution, connection, STARTTLS and
 * the handshake.
 */
export interface TlsProber {
  probe(endpoint: TlsEndpoint): Promise<ProbeResult>;
}
