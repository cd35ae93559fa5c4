import type { Command } from 'commander';
import { isScope, SCOPES, type Scope } from '../../core/auth/scopes.js';
import type { TokenView } from '../../core/auth/token-view.js';
import { parseDuration } from '../../core/duration.js';
import { DomainError } from '../../core/errors.js';
import { action, commandGroup, examples } from '../command-group.js';
import { configOption, globalOptions } from '../global-options.js';
import {
  byFields,
  EXIT,
  listingOptions,
  listingOutput,
  printJson,
  printLine,
  printListing,
  sortFields,
  type Listing,
  type ListingFlags,
} from '../output.js';

export const TOKEN_GROUP =
  'credentials: API tokens for the server (create, list, revoke, login-code) and bootstrap tokens for the built-in CA';

interface CreateOptions {
  scopes: string;
  owner?: string;
  name?: string;
  ttl: string;
  json?: boolean;
}

function parseScopes(text: string): Scope[] {
  const words = text
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  const unknown = words.filter((w) => !isScope(w));
  if (words.length === 0 || unknown.length > 0)
    throw new DomainError(
      'CUSTOS_INVALID_ARGUMENT',
      `--scopes: ${unknown.length > 0 ? `unknown scope ${unknown.join(', ')}` : 'no scope given'}.`,
      { hint: `give one or more of ${SCOPES.join(', ')}, separated by commas` },
    );
  return words.filter(isScope);
}

/** `-o wide` adds who created each token and when, and when it was revoked. */
const TOKENS: Listing<TokenView> = {
  columns: [
    { header: 'ID', value: (v) => v.id },
    { header: 'NAME', value: (v) => v.name },
    { header: 'SCOPES', value: (v) => v.scopes.join(',') },
    { header: 'OWNER', value: (v) => v.owner ?? '-' },
    { header: 'STATE', value: (v) => v.state },
    { header: 'CREATED', value: (v) => v.createdAt, in: 'wide' },
    { header: 'CREATED BY', value: (v) => v.createdBy, in: 'wide' },
    { header: 'EXPIRES', value: (v) => v.expiresAt.slice(0, 10) },
    { header: 'REVOKED', value: (v) => v.revokedAt ?? '-', in: 'wide' },
    { header: 'LAST USED', value: (v) => v.lastUsedAt?.slice(0, 16).replace('T', ' ') ?? '-' },
  ],
  sortBy: byFields<TokenView>('id', 'name', 'owner', 'state', 'createdAt', 'expiresAt', 'lastUsedAt'),
};

export function registerTokens(program: Command): void {
  const token = commandGroup(program, 'token', TOKEN_GROUP);

  token
    .command('create')
    .description(
      "Make an API token for the server (`Authorization: Bearer TOKEN`). The token is printed once and never again: Custos keeps only its SHA-256 and names it by its id (tok_ and 8 hex digits) in listings and the audit trail. A token bound to --owner sees and acts on that owner's certificates only. See docs/server.md.",
    )
    .requiredOption(
      '--scopes <list>',
      'comma-separated: read (list, show), write (change objects, scans), issue (issue, revoke), admin (all, and tokens)',
    )
    .option('--owner <team>', "bind the token to this owner: it sees that owner's certificates only")
    .option('--name <name>', 'what the token is for (shown by token list); default its id')
    .option('--ttl <duration>', 'how long it is valid: 30d, 365d', '90d')
    .option('--json', 'print {token, id, name, scopes, owner, state, createdAt, createdBy, expiresAt, ...}')
    .addHelpText(
      'after',
      examples(
        'custos token create --scopes read --name grafana',
        'custos token create --scopes read,write,issue --owner payments --ttl 30d',
        'TOKEN=$(custos token create --scopes admin --json | jq -r .token)',
      ) + '\nKeep the token as a password. `custos token revoke ID` ends it at once.\n',
    )
    .action(
      action(async (options: CreateOptions, command: Command) => {
        const scopes = parseScopes(options.scopes);
        const ttlMs = parseDuration(options.ttl, '--ttl');
        const [{ withBackend }, { createApiToken }, { tokenView }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/auth/api-tokens.js'),
          import('../../core/auth/token-view.js'),
        ]);
        const input = {
          scopes,
          ...(options.owner === undefined ? {} : { owner: options.owner }),
          ...(options.name === undefined ? {} : { name: options.name }),
        };
        const { token, view } = await withBackend(globalOptions(command), {
          local: async (rt) => {
            const created = await createApiToken(rt, { ...input, ttlMs });
            return { token: created.token, view: tokenView(created.record, rt.clock.now()) };
          },
          remote: async (api) => {
            const created = await api.request<{ token: string; info: TokenView }>({
              method: 'POST',
              path: '/v1/tokens',
              body: { ...input, ttl: options.ttl },
            });
            return { token: created.token, view: created.info };
          },
        });
        if (options.json) printJson({ token, ...view });
        else {
          printLine(token);
          process.stderr.write(
            `API token ${view.id} (${view.name}) with scopes ${view.scopes.join(',')}` +
              `${view.owner === null ? '' : ` bound to owner ${view.owner}`}, valid until ${view.expiresAt}; it is not shown again\n`,
          );
        }
        return EXIT.ok;
      }),
    );

  const list = token
    .command('list')
    .description(
      'List the API tokens (never their secrets): id, name, scopes, owner, state, expiry, last use.',
    )
    .option(
      '--json',
      'print a JSON array of {id, name, scopes, owner, state, createdAt, createdBy, expiresAt, revokedAt, lastUsedAt}',
    );
  listingOptions(list, sortFields(TOKENS))
    .addHelpText(
      'after',
      examples(
        'custos token list',
        'custos token list --json | jq -r \'.[] | select(.state=="active") | .id\'',
        'custos token list --sort-by -lastUsedAt -o wide',
      ),
    )
    .action(
      action(async (options: ListingFlags, command: Command) => {
        const output = listingOutput(options, sortFields(TOKENS));
        const [{ withBackend }, { listApiTokens }, { tokenView }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/auth/api-tokens.js'),
          import('../../core/auth/token-view.js'),
        ]);
        const views = await withBackend(globalOptions(command), {
          local: async (rt) => {
            const now = rt.clock.now();
            return (await listApiTokens(rt)).map((t) => tokenView(t, now));
          },
          remote: async (api) =>
            (await api.request<{ items: TokenView[] }>({ method: 'GET', path: '/v1/tokens' })).items,
        });
        await printListing(views, TOKENS, output);
        return EXIT.ok;
      }),
    );

  token
    .command('revoke')
    .description(
      'Revoke an API token by its id: from now on it authenticates nothing (audited as token.revoked).',
    )
    .argument('<id>', 'the token id, e.g. tok_3f2a9c01 (`custos token list`)')
    .option('--json', 'print the revoked token as token list --json does')
    .addHelpText('after', examples('custos token revoke tok_3f2a9c01'))
    .action(
      action(async (id: string, options: { json?: boolean }, command: Command) => {
        const [{ withBackend }, { revokeApiToken }, { tokenView }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/auth/api-tokens.js'),
          import('../../core/auth/token-view.js'),
        ]);
        const view = await withBackend(globalOptions(command), {
          local: async (rt) => tokenView(await revokeApiToken(rt, id), rt.clock.now()),
          remote: (api) =>
            api.request<TokenView>({ method: 'DELETE', path: `/v1/tokens/${encodeURIComponent(id)}` }),
        });
        if (options.json) printJson(view);
        else printLine(`revoked ${view.id} (${view.name}) at ${view.revokedAt ?? ''}`);
        return EXIT.ok;
      }),
    );

  const loginCode = token
    .command('login-code')
    .description(
      'Print a dashboard sign-in URL with a new one-time login code (admin; works once, for 15 minutes), at server.baseUrl: for when the one `custos serve` printed at start has expired.',
    );
  configOption(loginCode, 'server.baseUrl', '--base-url <url>', 'the URL the server is reached at');
  loginCode
    .addHelpText(
      'after',
      examples('custos token login-code', 'custos token login-code --base-url https://custos.corp.example'),
    )
    .action(
      action(async (_options: Record<string, never>, command: Command) => {
        const [{ withBackend }, { createLoginCode, loginUrl }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/auth/dashboard-login.js'),
        ]);
        const url = await withBackend(globalOptions(command), {
          local: async (rt) => loginUrl(rt.config.server.baseUrl, (await createLoginCode(rt)).secret),
          remote: async (api, deps) => {
            const { code } = await api.request<{ code: string }>({ method: 'POST', path: '/v1/login-codes' });
            // At the URL the CLI reaches the server at, unless --base-url (or the client's configuration) names one.
            const given = (deps.configSources.get('server.baseUrl')?.from ?? 'default') !== 'default';
            return loginUrl(given ? deps.config.server.baseUrl : api.baseUrl, code);
          },
        });
        printLine(url);
        return EXIT.ok;
      }),
    );
}
