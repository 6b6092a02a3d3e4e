// The floor for the login cost: the same HTTP exchanges `c1-setup verify-sso`
// makes (discovery, the browser's trip through the provider's sign-in to a
// loopback callback, the token request, the key set), done by a plain client
// with no checks, no diagnosis and no process start.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";

const b64url = (buf) => buf.toString("base64url");

export async function bareLogin({ issuer, clientId, clientSecret, port, browser }) {
  const started = performance.now();
  const discovery = await (await fetch(new URL(".well-known/openid-configuration", issuer))).json();

  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const nonce = b64url(randomBytes(16));
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const code = await new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      const url = new URL(req.url, redirectUri);
      res.writeHead(200, { "content-type": "text/html", connection: "close" }).end("<title>done</title>ok");
      server.close();
      const got = url.searchParams.get("code");
      if (got) resolve(got);
      else reject(new Error(`no code: ${url.search}`));
    });
    server.listen(port, "127.0.0.1", () => {
      const auth = new URL(discovery.authorization_endpoint);
      auth.search = new URLSearchParams({
        response_type: "code",
        client_id: clientId,
        redirect_uri: redirectUri,
        scope: "openid email profile",
        state,
        nonce,
        code_challenge: b64url(createHash("sha256").update(verifier).digest()),
        code_challenge_method: "S256",
      }).toString();
      const [cmd, ...args] = browser.split(" ");
      spawn(cmd, [...args, auth.toString()], { stdio: "ignore" }).on("error", reject);
    });
  });

  const token = await fetch(discovery.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      client_id: clientId,
      client_secret: clientSecret,
      code_verifier: verifier,
    }),
  });
  if (!token.ok) throw new Error(`token request failed: ${token.status}`);
  await token.json();
  await (await fetch(discovery.jwks_uri)).json();
  return performance.now() - started;
}
