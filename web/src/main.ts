/**
 * The Custos dashboard: a signed-in browser's view of the inventory, its owners and what to do next. It reads
 * everything from /v1 (the session cookie comes from `/login?code=`, printed by `custos serve`); a browser without a
 * session is told how to get one. Pages are chosen by the part of the URL after `#`.
 */
import { render, type VNode } from 'preact';
import { ApiError } from './api.js';
import { html } from './html.js';
import { AuditPage } from './pages/audit.js';
import { CertificatePage } from './pages/certificate.js';
import { ExceptionsPage } from './pages/exceptions.js';
import { HomePage } from './pages/home.js';
import { InventoryPage } from './pages/inventory.js';
import { ManagedPage } from './pages/managed.js';
import { OwnersPage } from './pages/owners.js';
import { SignIn } from './pages/sign-in.js';
import { href, MeContext, useApi, useRoute, type Route } from './state.js';
import type { Me } from './types.js';
import { ErrorBox } from './widgets.js';

const NAV: Array<[string, string]> = [
  ['/', 'Overview'],
  ['/certificates', 'Inventory'],
  ['/owners', 'Owners'],
  ['/exceptions', 'Exceptions'],
  ['/managed', 'Managed'],
  ['/audit', 'Audit trail'],
];

function page(route: Route): VNode {
  const [first, second] = route.parts;
  switch (first) {
    case undefined:
      return html`<${HomePage} />`;
    case 'certificates':
      return second === undefined
        ? html`<${InventoryPage} params=${route.params} />`
        : html`<${CertificatePage} fingerprint=${second} />`;
    case 'owners':
      return html`<${OwnersPage} />`;
    case 'exceptions':
      return html`<${ExceptionsPage} />`;
    case 'managed':
      return html`<${ManagedPage} />`;
    case 'audit':
      return html`<${AuditPage} params=${route.params} />`;
    default:
      return html`<p>No page here. <a href="#/">Go to the overview</a>.</p>`;
  }
}

function Shell({ me }: { me: Me }): VNode {
  const route = useRoute();
  const current = `/${route.parts[0] ?? ''}`;
  return html`<${MeContext.Provider} value=${me}>
    <header class="top">
      <a class="brand" href="#/">Custos</a>
      <nav>
        ${NAV.map(
          ([path, label]) =>
            html`<a href=${href(path)} class=${current === path ? 'active' : ''}>${label}</a>`,
        )}
      </nav>
      <span class="me" data-testid="me"
        >${me.name}${me.owner === null ? '' : ` · owner ${me.owner}`} · ${me.scopes.join(', ')}</span
      >
    </header>
    <main>${page(route)}</main>
  <//>`;
}

function App(): VNode {
  const me = useApi<Me>('/v1/me');
  if (me.error instanceof ApiError && me.error.status === 401) return html`<${SignIn} />`;
  if (me.error !== undefined) return html`<main><${ErrorBox} error=${me.error} /></main>`;
  if (me.data === undefined) return html`<p class="muted">Loading…</p>`;
  return html`<${Shell} me=${me.data} />`;
}

const root = document.getElementById('app');
if (root !== null) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
