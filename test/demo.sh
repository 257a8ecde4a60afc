#!/usr/bin/env bash
# The demo behind `make demo`: run by test/cmd/hydra-dev beside an in-memory
# Ory Hydra, with HYDRA_URL and HYDRA_ADMIN_URL set. Each step shows the
# command a user would type.
set -euo pipefail

hydra=${HYDRA_CLI:-bin/hydra}
step() { printf '\n\033[1m$ %s\033[0m\n' "$*" >&2; }

# 1. A client that may use the client credentials grant. The server
#    generates its secret, shown once: capture it now.
step "hydra client create -n demo -g client_credentials -a read,write"
creds=$("$hydra" client create -n demo -g client_credentials -a read,write 2>/dev/null)
client_id=$(sed -n 's/^client_id: //p' <<<"$creds")
client_secret=$(sed -n 's/^client_secret: //p' <<<"$creds")
echo "client_id: $client_id" >&2

step "hydra client list"
"$hydra" client list

# 2. A token, with the client credentials grant. The secret comes from the
#    environment, never from argv.
export OAUTH2_CLIENT_ID=$client_id OAUTH2_CLIENT_SECRET=$client_secret
step "TOKEN=\$(hydra token client --scope read)"
token=$("$hydra" token client --scope read)

step "hydra token client --scope read --format yaml   # the whole token response"
"$hydra" token client --scope read --format yaml | sed -E 's/^(access_token: ).*/\1<redacted for the demo>/'

# 3. Introspect it with the CLI.
step "hydra token introspect \"\$TOKEN\""
"$hydra" token introspect "$token"

step "hydra token introspect --format table \"\$TOKEN\""
"$hydra" token introspect --format table "$token"

step "hydra token introspect --scope write --require-active \"\$TOKEN\"   # not granted: exit 3"
set +e
"$hydra" token introspect --scope write --require-active --format json "$token"
code=$?
set -e
echo "exit code: $code" >&2
[ "$code" -eq 3 ]

# 4. A person's tokens, without a browser: --headless accepts Hydra's login
#    and consent requests through the admin API, then exchanges the code
#    with PKCE, as the browser flow does. The app is a public client: with
#    no secret given it sends its ID alone.
unset OAUTH2_CLIENT_ID OAUTH2_CLIENT_SECRET
step "hydra client create -n demo-app -g authorization_code,refresh_token -r code -a openid,offline --redirect-uri http://127.0.0.1:4446/callback --token-endpoint-auth-method none -q"
app_id=$("$hydra" client create -n demo-app -g authorization_code,refresh_token -r code -a openid,offline \
  --redirect-uri http://127.0.0.1:4446/callback --token-endpoint-auth-method none -q)

export OAUTH2_CLIENT_ID=$app_id
step "OAUTH2_CLIENT_ID=\$APP_ID hydra token user --headless --subject alice@example.com --format json"
tokens=$("$hydra" token user --headless --subject alice@example.com -q --format json)
sed -E 's/"(access_token|refresh_token|id_token)":"[^"]*"/"\1":"<redacted for the demo>"/g' <<<"$tokens" >&2

# 5. Its ID token, decoded and verified against Hydra's keys.
step "hydra token decode \"\$ID_TOKEN\""
id_token=$(sed -E 's/.*"id_token":"([^"]+)".*/\1/' <<<"$tokens")
"$hydra" token decode "$id_token"

# 6. Refresh (a public client sends its ID alone; the whole response, with
#    the rotated refresh token, is the default output), then revoke the new
#    refresh token: introspection through HYDRA_ADMIN_URL confirms it.
refresh_token=$(sed -E 's/.*"refresh_token":"([^"]+)".*/\1/' <<<"$tokens")
export OAUTH2_CLIENT_ID=$app_id
step "NEW=\$(hydra token refresh \"\$REFRESH_TOKEN\")"
new_tokens=$("$hydra" token refresh "$refresh_token")
new_refresh=$(sed -E 's/.*"refresh_token":"([^"]+)".*/\1/' <<<"$new_tokens")

step "hydra token revoke --token-type-hint refresh_token \"\$NEW_REFRESH_TOKEN\""
"$hydra" token revoke --token-type-hint refresh_token "$new_refresh"

step "hydra token introspect --format jsonpath=active \"\$NEW_REFRESH_TOKEN\""
"$hydra" token introspect --format jsonpath=active "$new_refresh"

printf '\ndemo: done\n' >&2
