/**
 * The demo's governance and its managed certificate, as the YAML a user would `custos apply -f`: two owners with
 * contacts (demo-payments, demo-platform), ownership rules, a compliance policy, an exception, and the
 * ManagedCertificate `demo-web` issued by the built-in CA into files behind a local TLS server.
 */
import { stringify } from 'yaml';

export interface DemoManifestInput {
  /** The DNS names of the endpoints the payments team owns. */
  paymentsNames: string[];
  /** The demo's file tree (the platform team owns what is in it). */
  filesDirectory: string;
  /** The self-signed endpoint's certificate, waived for a while. */
  selfSignedFingerprint: string;
  exceptionExpires: string;
  managed: {
    name: string;
    dnsName: string;
    port: number;
    certificate: string;
    fullchain: string;
    privateKey: string;
  };
}

const document = (kind: string, name: string, spec: unknown, labels = { demo: 'true' }) =>
  stringify({ apiVersion: 'custos/v1', kind, metadata: { name, labels }, spec });

export function demoManifests(input: DemoManifestInput): string {
  return [
    document('Owner', 'demo-payments', {
      contacts: { email: ['payments-oncall@demo.example'] },
      escalation: [{ after: '4h', contacts: { email: ['payments-lead@demo.example'] } }],
    }),
    document('Owner', 'demo-platform', { contacts: { email: ['platform@demo.example'] } }),
    document('OwnershipRule', 'demo-payments-endpoints', {
      owner: 'demo-payments',
      order: 900,
      match: { dnsNames: input.paymentsNames },
    }),
    document('OwnershipRule', 'demo-platform-files', {
      owner: 'demo-platform',
      order: 910,
      match: { paths: [`${input.filesDirectory}/**`] },
    }),
    document('Policy', 'demo-short-lived', {
      type: 'compliance',
      code: 'demo-validity-over-60-days',
      severity: 'medium',
      validations: [
        {
          expression: "certificate.isCA || certificate.notAfter - certificate.notBefore <= duration('1440h')",
          message: 'demo: leaf certificates live at most 60 days',
        },
      ],
    }),
    document('Exception', 'demo-self-signed-lab', {
      waives: ['self-signed', 'untrusted-root'],
      scope: { fingerprints: [input.selfSignedFingerprint] },
      reason: 'demo: a lab appliance that only serves its own certificate',
      compensatingControl: 'reachable from the lab network only',
      approver: 'security@demo.example',
      expires: input.exceptionExpires,
    }),
    document('ManagedCertificate', input.managed.name, {
      commonName: input.managed.dnsName,
      dnsNames: [input.managed.dnsName],
      duration: '45d',
      issuerRef: { name: 'default' },
      destinations: [
        {
          file: {
            certificate: input.managed.certificate,
            fullchain: input.managed.fullchain,
            privateKey: input.managed.privateKey,
          },
        },
      ],
      verify: [{ host: '127.0.0.1', port: input.managed.port, sni: input.managed.dnsName }],
    }),
  ].join('---\n');
}
