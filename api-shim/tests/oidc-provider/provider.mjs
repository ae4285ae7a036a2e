// A real OpenID provider (oauth2-mock-server: discovery, JWKS, authorization code with PKCE,
// RS256 ID tokens) for the server's sign-in tests. Started by api-shim/tests/api/oidc.rs.
// The user it signs in comes from the environment, so each test picks its own:
//   OIDC_SUB, OIDC_EMAIL, OIDC_EMAIL_VERIFIED ("true"/"false"/"absent"), OIDC_NONCE (override).
// OIDC_UNIQUE=1 makes every sign-in a new person (the e2e suite signs up more than once);
// OIDC_PORT fixes the port (the e2e suite configures the server with it).
// Prints the issuer URL on its first line once it listens.
import { OAuth2Server } from 'oauth2-mock-server';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
server.service.on('beforeTokenSigning', (token) => {
  const unique = process.env.OIDC_UNIQUE ? `-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` : '';
  token.payload.sub = (process.env.OIDC_SUB ?? 'johndoe') + unique;
  if (process.env.OIDC_EMAIL) token.payload.email = process.env.OIDC_EMAIL.replace('@', `${unique}@`);
  const verified = process.env.OIDC_EMAIL_VERIFIED ?? 'true';
  if (verified !== 'absent') token.payload.email_verified = verified === 'true';
  if (process.env.OIDC_NONCE) token.payload.nonce = process.env.OIDC_NONCE;
});
await server.start(Number(process.env.OIDC_PORT ?? 0), '127.0.0.1');
// It names itself "localhost"; the address it listens on avoids an IPv6 lookup.
server.issuer.url = server.issuer.url.replace('localhost', '127.0.0.1');
console.log(server.issuer.url);
// The test closes stdin when it ends; the provider goes with it.
if (!process.env.OIDC_PORT) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
