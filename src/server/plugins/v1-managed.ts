/**
 * Managed certificates over `/v1`: apply one (a ManagedCertificate document, validated as `custos apply -f`
 * validates it), list them, read one's status (exactly `custos managed status NAME --json`), ask for a renewal or a
 * rollback (carried out by the reconciler of `custos serve`), and tear one down. A token bound to an owner acts
 * only on managed certificates whose identity is its owner's.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { managedDependencies } from '../../compose/managed.js';
import type { Runtime } from '../../compose/runtime.js';
import { applyManifests } from '../../core/declarative/apply-manifests.js';
import { parseDuration } from '../../core/duration.js';
import { adoptManaged } from '../../core/managed/adopt-managed.js';
import { deleteManaged } from '../../core/managed/delete-managed.js';
import { findCertificateByPrefix } from '../../core/inventory/find-by-prefix.js';
import { managedNotFound, managedSpec, managedSpecs } from '../../core/managed/load-managed.js';
import { managedListItem, managedStatusView } from '../../core/managed/managed-view.js';
import { requestRenewal } from '../../core/managed/request-renewal.js';
import { reconcileUntilSettled } from '../../core/managed/reconcile-until-settled.js';
import { rollbackManaged } from '../../core/managed/rollback-managed.js';
import {
  auditRefusals,
  identityOwner,
  requireCertificateOwner,
  requireIdentityOwner,
  requireScope,
  requireUnbound,
} from '../auth/owner-scope.js';
import { actorOf, principalOf, type Principal } from '../auth/principal.js';
import { problemResponse } from '../problem.js';
import { documentBodyValidator, documentsText } from '../document-body.js';
import { manifestError } from '../../core/declarative/parse-manifests.js';
import { valueAt } from '../../core/schema/validator.js';
import type { Deny } from './auth.js';
import {
  AdoptedSchema,
  AdoptSchema,
  AppliedSchema,
  DeletedSchema,
  ManagedListItemSchema,
  ManagedStatusSchema,
  ReconcileReportSchema,
  RollbackSchema,
} from './v1-managed-schemas.js';

export interface V1ManagedOptions {
  rt: Runtime;
  /** The auth plugin's refusal: owner-binding refusals are audited as its own are. */
  deny: Deny;
}

const Name = Type.Object({ name: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{0,252}$' }) });
const notFound = problemResponse('No managed certificate of that name (CUSTOS_MANAGED_NOT_FOUND)');
const forbidden = problemResponse(
  "Not a managed certificate of the bound owner's identities (CUSTOS_FORBIDDEN)",
);

export const v1ManagedPlugin: FastifyPluginAsyncTypebox<V1ManagedOptions> = async (app, { rt, deny }) => {
  auditRefusals(app, deny);
  /** The named managed certificate, refused to a bound principal when its identity is not its owner's. */
  const ownManaged = async (principal: Principal, name: string) => {
    const entry = await managedSpec(rt.store.objects, name);
    await requireIdentityOwner(principal, rt.store.objects, entry.spec.identity ?? null);
    return entry;
  };

  app.post(
    '/managed',
    {
      config: { scope: 'write' },
      validatorCompiler: documentBodyValidator,
      schema: {
        tags: ['managed'],
        summary: 'Create or change a managed certificate (as `custos apply -f` with one ManagedCertificate)',
        description:
          'The document is checked as `apply` checks it (schema, references to identities); the reconciler issues, deploys and verifies it. 201 when created, 200 when configured or unchanged.',
        body: Type.Unsafe<unknown>(Type.Ref('ManagedCertificate')),
        response: {
          200: AppliedSchema,
          201: AppliedSchema,
          403: forbidden,
          422: problemResponse('The document is not valid (every problem listed)'),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const kind = valueAt(request.body, ['kind']);
      if (kind !== 'ManagedCertificate' || Array.isArray(request.body))
        throw manifestError([
          {
            fileName: 'request body',
            document: 1,
            line: 1,
            kind: null,
            name: null,
            path: 'kind',
            message: `expected one ManagedCertificate document, got ${Array.isArray(request.body) ? 'a list' : JSON.stringify(kind ?? null)}`,
          },
        ]);
      const identity = valueAt(request.body, ['spec', 'identity']);
      await requireIdentityOwner(principal, rt.store.objects, typeof identity === 'string' ? identity : null);
      const result = await applyManifests(rt, {
        // The document goes through the very parser and checks of `custos apply -f` (document-body.ts).
        text: documentsText(request.body),
        fileName: 'request body',
        actor: actorOf(principal),
      });
      const applied = result.objects[0];
      if (applied === undefined) throw new Error('apply returned no object for one document');
      return reply.code(applied.change === 'created' ? 201 : 200).send(applied);
    },
  );

  app.post(
    '/managed/adopt',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['managed'],
        summary: 'Turn a discovered certificate into a managed one (as `custos managed adopt --json`)',
        description:
          'Same names and key type; destinations default to the files where it lies beside its key, verification endpoints to the TLS endpoints that serve it. Applied as a manifest (audited object.created), unless `dryRun`. A token bound to an owner adopts only its own certificates, for one of its identities.',
        body: AdoptSchema,
        response: {
          200: AdoptedSchema,
          201: AdoptedSchema,
          403: forbidden,
          404: problemResponse('No certificate matches (CUSTOS_NOT_FOUND)'),
          409: problemResponse('A managed certificate of that name exists (CUSTOS_MANAGED_EXISTS)'),
          422: problemResponse('The resulting document is not valid (CUSTOS_MANIFEST_INVALID)'),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body;
      if (principal.owner !== null) {
        const certificate = await findCertificateByPrefix(rt.store.inventory, body.fingerprint);
        await requireCertificateOwner(principal, rt.store.evaluations, certificate.fingerprintSha256);
        await requireIdentityOwner(principal, rt.store.objects, body.identity ?? null);
      }
      const result = await adoptManaged(rt, { ...body, actor: actorOf(principal) });
      const created = !result.apply.dryRun && result.apply.objects.some((o) => o.change === 'created');
      return reply.code(created ? 201 : 200).send(result);
    },
  );

  app.post(
    '/managed/reconcile',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['managed'],
        summary:
          'Run the reconciler until every managed certificate has settled (as `custos managed reconcile --json`)',
        description:
          "Works the queue until each is Ready, waiting for a retry, or Failed, or the timeout runs out (504 CUSTOS_MANAGED_NOT_SETTLED when some are not Ready then). It works every owner's certificates, so an owner-bound token may not.",
        body: Type.Object(
          { timeout: Type.String({ default: '60s', description: 'Give up after this long (30s, 5m)' }) },
          { additionalProperties: false },
        ),
        response: {
          200: ReconcileReportSchema,
          403: forbidden,
          504: problemResponse('Ran out of time with some not Ready (CUSTOS_MANAGED_NOT_SETTLED)'),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      requireUnbound(principal, 'run the reconciler');
      const deps = await managedDependencies({ ...rt, actor: actorOf(principal) });
      const { timeout } = request.body;
      return reconcileUntilSettled(deps, {
        worker: rt.worker,
        timeoutMs: parseDuration(timeout, 'timeout'),
        timeout,
      });
    },
  );

  app.get(
    '/managed',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['managed'],
        summary: 'Every managed certificate with its readiness (as `custos managed list --json`)',
        response: { 200: Type.Array(ManagedListItemSchema) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const statuses = new Map((await rt.store.managed.statuses()).map((s) => [s.name, s]));
      const items = [];
      for (const m of await managedSpecs(rt.store.objects)) {
        if (principal.owner !== null) {
          const identity = m.spec.identity;
          if (identity === undefined || (await identityOwner(rt.store.objects, identity)) !== principal.owner)
            continue;
        }
        items.push(managedListItem(m.name, m.spec.issuerRef.name, statuses.get(m.name) ?? null));
      }
      return items;
    },
  );

  app.get(
    '/managed/:name',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['managed'],
        summary: 'Conditions, revision and stale endpoints (exactly `custos managed status NAME --json`)',
        params: Name,
        response: { 200: ManagedStatusSchema, 404: notFound },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { spec } = await managedSpec(rt.store.objects, request.params.name);
      // A read of another owner's managed certificate answers as if it did not exist (as the other reads do).
      if (principal.owner !== null) {
        const owner =
          spec.identity === undefined ? null : await identityOwner(rt.store.objects, spec.identity);
        if (owner !== principal.owner) throw managedNotFound(request.params.name);
      }
      return managedStatusView(await rt.store.managed.status(request.params.name));
    },
  );

  app.post(
    '/managed/:name/renew',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['managed'],
        summary: 'Ask for a new revision now (as `custos managed renew`); the reconciler carries it out',
        params: Name,
        response: { 202: ManagedStatusSchema, 403: forbidden, 404: notFound },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await ownManaged(principal, request.params.name);
      await requestRenewal({ ...rt, actor: actorOf(principal) }, request.params.name);
      return reply.code(202).send(managedStatusView(await rt.store.managed.status(request.params.name)));
    },
  );

  app.post(
    '/managed/:name/rollback',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['managed'],
        summary: 'Make the previous revision current again (as `custos managed rollback --json`)',
        params: Name,
        response: {
          202: RollbackSchema,
          403: forbidden,
          404: notFound,
          409: problemResponse('No previous revision, or it expired (CUSTOS_MANAGED_NO_ROLLBACK)'),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await ownManaged(principal, request.params.name);
      const result = await rollbackManaged({ ...rt, actor: actorOf(principal) }, request.params.name);
      return reply.code(202).send(result);
    },
  );

  app.delete(
    '/managed/:name',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['managed'],
        summary: 'Tear a managed certificate down (as `custos managed delete --json`)',
        description:
          'With `revoke=true` every revision is revoked (cessationOfOperation, which needs the issue scope too); files are removed from every destination, the object deleted, and every endpoint probed: `stillServed` names those that still serve a revision.',
        params: Name,
        querystring: Type.Object({ revoke: Type.Optional(Type.Boolean({ default: false })) }),
        response: { 200: DeletedSchema, 403: forbidden, 404: notFound },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const revoke = request.query.revoke === true;
      if (revoke) requireScope(principal, 'issue');
      await ownManaged(principal, request.params.name);
      const deps = await managedDependencies({ ...rt, actor: actorOf(principal) });
      return deleteManaged(deps, request.params.name, { revoke });
    },
  );
};
