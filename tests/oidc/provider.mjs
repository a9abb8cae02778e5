// A real OpenID Connect provider for RiskDesk's single sign-on tests: Node's oidc-provider
// (OpenID Certified) with a sign-in form of its own, on 127.0.0.1. Started by
// tests/oidc/conftest.py (and by hand: `node tests/oidc/provider.mjs`).
//
//   OIDC_TEST_PORT       the port (default 9400); the issuer is http://127.0.0.1:PORT
//   OIDC_TEST_ACCOUNTS   a JSON file read at every sign-in, so a test can change an
//                        account's claims between two sign-ins:
//                        {"<login>": {"password": "...", "amr": ["pwd"],
//                                     "claims": {"riskdesk_role": "supervisor", ...}}}
//
// Two clients: "riskdesk" (what RiskDesk is configured with) and "other-system" (another
// application of the same platform, whose tokens RiskDesk must refuse). Both are confidential
// and must use PKCE. As native clients, their loopback redirect URIs match any port (RFC
// 8252), so the test server and the browser tests' live server both fit.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_TEST_PORT || 9400);
const issuer = `http://127.0.0.1:${port}`;
const accountsFile = process.env.OIDC_TEST_ACCOUNTS;

function accounts() {
  return accountsFile ? JSON.parse(readFileSync(accountsFile, 'utf8')) : {};
}

function client(clientId) {
  return {
    client_id: clientId,
    client_secret: `${clientId}-test-secret`,
    application_type: 'native',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: ['http://127.0.0.1/accounts/sso/callback/', 'http://localhost/accounts/sso/callback/'],
    post_logout_redirect_uris: ['http://127.0.0.1/accounts/login/', 'http://localhost/accounts/login/'],
  };
}

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await jose.exportJWK(privateKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };

const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const provider = new Provider(issuer, {
  clients: [client('riskdesk'), client('other-system')],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['riskdesk-test-provider-cookie-key'] },
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  claims: {
    // the ID token says how the user signed in (amr, RFC 8176), e.g. ["pwd", "otp"]
    openid: ['sub', 'amr', 'auth_time'],
    profile: ['name', 'preferred_username', 'riskdesk_role', 'riskdesk_districts'],
    email: ['email', 'email_verified'],
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Sign out of the identity platform?',
          `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>`);
      },
      postLogoutSuccessSource: async (ctx) => { ctx.body = page('Signed out', '<p>You are signed out.</p>'); },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (ctx, id) => {
    const account = accounts()[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Identity platform error', `<pre>${escape(JSON.stringify(out))}</pre>`);
  },
});

// oidc-provider matches a native client's loopback redirect URIs on any port, but its
// post-logout redirect URIs exactly: the same rule for both, so the browser tests' live
// server (a port chosen at run time) is sent back to its sign-in page after sign-out.
const exactPostLogout = provider.Client.prototype.postLogoutRedirectUriAllowed;
provider.Client.prototype.postLogoutRedirectUriAllowed = function postLogoutAllowed(value) {
  if (exactPostLogout.call(this, value)) return true;
  let url;
  try { url = new URL(value); } catch { return false; }
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(url.hostname)) return false;
  url.port = '';
  return this.postLogoutRedirectUris.some((allowed) => allowed === url.href);
};

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res) {
  const uid = req.url.split('/')[2];
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'POST' && req.url.endsWith('/login')) {
    const form = await readForm(req);
    const login = form.get('login') || '';
    const account = accounts()[login];
    if (!account || account.password !== form.get('password')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('Sign in to the identity platform', `<p role="alert">Wrong login or password.</p>${loginForm(uid)}`));
      return;
    }
    await provider.interactionFinished(req, res, {
      login: { accountId: login, amr: account.amr || ['pwd'] },
    }, { mergeWithLastSubmission: false });
    return;
  }
  if (details.prompt.name === 'consent') {
    // RiskDesk is the platform's own application: consent is given without a page.
    const { prompt: { details: missing }, params, session } = details;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } },
      { mergeWithLastSubmission: true });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(page('Sign in to the identity platform', loginForm(uid)));
}

function loginForm(uid) {
  return `<form method="post" action="/interaction/${uid}/login">
<label>Login <input name="login" autocomplete="username"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button></form>`;
}

const handler = provider.callback();
createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
    return;
  }
  handler(req, res);
}).listen(port, '127.0.0.1', () => {
  console.log(`identity provider ready at ${issuer}`);
});
