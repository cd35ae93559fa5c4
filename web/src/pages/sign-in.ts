/** What a browser without a session sees: how to get the one-time sign-in link. */
import type { VNode } from 'preact';
import { html } from '../html.js';

export function SignIn(): VNode {
  const origin = location.origin;
  return html`<main class="sign-in">
    <h1>Sign in to Custos</h1>
    <p>
      This browser has no dashboard session. Open the one-time link that <code>custos serve</code> prints when
      it starts:
    </p>
    <pre>dashboard: ${origin}/login?code=…</pre>
    <p>or make a new link (valid once, for 15 minutes) on the server's machine:</p>
    <pre>custos token login-code</pre>
    <p class="muted">See docs/dashboard.md.</p>
  </main>`;
}
