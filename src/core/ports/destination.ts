import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import type { TrustBundleSpec } from '../declarative/kinds/trust-bundle.js';

/** One destination as declared: exactly one of its kinds (spec.destinations[]). */
export type DestinationSpec = NonNullable<ManagedCertificateSpec['destinations']>[number];
/** A file destination as declared (spec.destinations[].file). */
export type FileDestinationSpec = NonNullable<DestinationSpec['file']>;
/** An exec destination as declared (spec.destinations[].exec). */
export type ExecDestinationSpec = NonNullable<DestinationSpec['exec']>;
/** A webhook destination as declared (spec.destinations[].webhook). */
export type WebhookDestinationSpec = NonNullable<DestinationSpec['webhook']>;

/** One revision, as a destination installs it (PEM text; the key in clear only in memory, on its way out). */
export interface RevisionBundle {
  name: string;
  revision: number;
  fingerprintSha256: string;
  /** The leaf alone. */
  certificatePem: string;
  /** The certificates above the leaf, nearest first. */
  chainPem: string;
  /** The leaf then its chain. */
  fullchainPem: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
}

/** What a reload command did: exit code or signal, whether it timed out, and (the start of) its output. */
export interface CommandOutcome {
  command: string[];
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** What one deploy or remove came to. A destination never throws: a failure is an outcome with its error. */
export interface DestinationOutcome {
  ok: boolean;
  /** The destination, described for people and the audit trail (`file:/etc/nginx/tls/web.crt`). */
  target: string;
  /** Files written (or removed), previous copies kept beside them as NAME.previous. */
  files: string[];
  /** The command run: a file destination's reload command, an exec destination's command. */
  reload: CommandOutcome | null;
  /** A webhook destination's request: where to (origin and path, never a query) and the HTTP status (null: none). */
  http?: { url: string; status: number | null; durationMs: number };
  /** Why it failed (a file that could not be written, a reload command that failed or timed out). */
  error: string | null;
}

/**
 * Where revisions go (Lemur's "destination" plug-in kind). Small on purpose, so Kubernetes secrets, remote agents
 * and load balancers plug in later: deploy, remove, and an optional description.
 */
export interface Destination<C> {
  /** Installs the revision; installing the same revision again changes nothing but runs the reload again. */
  deploy(config: C, bundle: RevisionBundle): Promise<DestinationOutcome>;
  /** Removes what deploy installed (teardown); `name` is the managed certificate's. */
  remove(config: C, name: string): Promise<DestinationOutcome>;
  describe?(config: C): string;
}

/** The destination kinds, by the key they have in `spec.destinations[]`: an explicit map built by compose. */
export interface DestinationRegistry {
  file: Destination<FileDestinationSpec>;
  exec: Destination<ExecDestinationSpec>;
  webhook: Destination<WebhookDestinationSpec>;
}

/** One destination of a trust bundle as declared (TrustBundle spec.destinations[]): exactly one of its kinds. */
export type TrustBundleDestinationSpec = TrustBundleSpec['destinations'][number];
export type TrustBundleFileSpec = NonNullable<TrustBundleDestinationSpec['file']>;
export type TrustBundleExecSpec = NonNullable<TrustBundleDestinationSpec['exec']>;
export type TrustBundleWebhookSpec = NonNullable<TrustBundleDestinationSpec['webhook']>;

/** A trust bundle on its way to a destination: the TrustBundle's name, the PEM text and its SHA-256 (hex). */
export interface TrustBundleDelivery {
  name: string;
  sha256: string;
  pem: string;
}

/** What delivering a trust bundle to one destination came to; `changed` false: it held the bundle already. */
export interface BundleOutcome extends DestinationOutcome {
  changed: boolean;
}

/**
 * Where trust bundles go, idempotent by content so that a reconciler may deliver every bundle on every pass. A
 * destination that can tell what it holds (a file: its content) is asked every time and leaves a bundle it holds
 * alone (no write, no reload). One that cannot (a command, an endpoint) is given a bundle only when it differs from
 * the last one it accepted, as the audit trail's `bundle.deployed` events say.
 */
export interface BundleDestination<C> {
  describe(config: C): string;
  readonly knowsWhatItHolds: boolean;
  deliver(config: C, bundle: TrustBundleDelivery): Promise<BundleOutcome>;
}

/** The trust bundle destination kinds, by their key in a TrustBundle's `spec.destinations[]`. */
export interface BundleDestinationRegistry {
  file: BundleDestination<TrustBundleFileSpec>;
  exec: BundleDestination<TrustBundleExecSpec>;
  webhook: BundleDestination<TrustBundleWebhookSpec>;
}
