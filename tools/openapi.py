#!/usr/bin/env python3
"""Writes internal/httpapi/openapi.json, the OpenAPI 3 description of the API
(DESIGN §4). Edit here, run `python3 tools/openapi.py`, commit both; the Go
test TestOpenAPIMatchesRoutes keeps the document and the router in step."""
import json, pathlib

def ref(n): return {"$ref": f"#/components/schemas/{n}"}
def body(schema, required=True): return {"required": required, "content": {"application/json": {"schema": schema}}}
def resp(desc, schema=None):
    r = {"description": desc}
    if schema: r["content"] = {"application/json": {"schema": schema}}
    return r
ERR = {"400": resp("Bad request (malformed JSON, unknown fields)", ref("Error")),
       "401": resp("Not signed in", ref("Error")), "403": resp("CSRF token missing or wrong", ref("Error")),
       "404": resp("Not found, or another user's", ref("Error")), "413": resp("Body over 1 MiB", ref("Error"))}
def op(summary, ok, okdesc, okschema=None, req=None, params=None, extra=None, auth=True):
    o = {"summary": summary, "responses": {ok: resp(okdesc, okschema)}}
    o["responses"].update({k: v for k, v in ERR.items() if auth or k in ("400", "413")})
    if extra: o["responses"].update(extra)
    if req: o["requestBody"] = body(req)
    if params: o["parameters"] = params
    if not auth: o["security"] = []
    return o
def p(name, where="path", typ="string", desc=""):
    return {"name": name, "in": where, "required": where == "path", "schema": {"type": typ}, "description": desc}
ID = p("id", typ="integer")
PLAT = {"name": "platform", "in": "path", "required": True, "schema": {"type": "string", "enum": ["facebook", "instagram", "linkedin", "twitter", "youtube"]}}
V422 = {"422": resp("Validation problems; nothing stored", ref("Problems"))}

paths = {
 "/api/auth/signup": {"post": op("Create a user and sign in", "201", "Signed in; session cookie set", ref("Session"), ref("Credentials"), auth=False, extra={"409": resp("Email taken", ref("Error"))})},
 "/api/auth/login": {"post": op("Sign in", "200", "Signed in; session cookie set", ref("Session"), ref("Credentials"), auth=False)},
 "/api/auth/logout": {"post": op("Sign out (needs the CSRF token with the cookie)", "200", "Signed out")},
 "/api/keys": {"get": op("List API keys", "200", "Keys (never the key itself)", {"type": "object", "properties": {"keys": {"type": "array", "items": ref("APIKey")}}}),
               "post": op("Create an API key (shown once)", "201", "The key", ref("NewAPIKey"), {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}})},
 "/api/keys/{id}": {"delete": op("Revoke an API key", "204", "Revoked", params=[ID])},
 "/api/social/accounts": {"get": op("List connected accounts", "200", "Accounts", {"type": "object", "properties": {"accounts": {"type": "array", "items": ref("Account")}}}),
                          "post": op("Add an account manually (LinkedIn, advanced troubleshooting); Instagram is refused", "201", "The account", ref("Account"), ref("AccountInput"), extra={**V422, "403": resp("instagram_manual_disabled", ref("Error"))})},
 "/api/social/accounts/{id}": {"get": op("Get an account", "200", "The account", ref("Account"), params=[ID]),
                               "patch": op("Change name, on/off, or credentials", "200", "The account", ref("Account"), ref("AccountInput"), params=[ID], extra=V422),
                               "delete": op("Delete an account and cancel its pending posts", "204", "Deleted", params=[ID])},
 "/api/social/oauth/{platform}/start": {"get": op("Start a connect flow (browser)", "302", "Redirect to the platform's consent page", params=[PLAT], extra={"503": resp("<platform>_not_configured", ref("Error"))})},
 "/api/social/oauth/{platform}/callback": {"get": op("Finish a connect flow", "302", "Redirect to /accounts (JSON {accounts} with Accept: application/json)", params=[PLAT, p("code", "query"), p("state", "query"), p("error", "query")], auth=False)},
 "/api/social/instagram/deauthorize": {"post": op("Meta deauthorize callback (Instagram)", "200", "That user's accounts disabled, credentials erased", req=None, auth=False)},
 "/api/social/instagram/data-deletion": {"post": op("Meta data-deletion callback (Instagram)", "200", "Deletion done", ref("DeletionReceipt"), auth=False)},
 "/api/social/instagram/data-deletion/{code}": {"get": op("Data-deletion status", "200", "What was deleted and when (HTML, or JSON with Accept: application/json)", ref("DeletionStatus"), params=[p("code")], auth=False)},
 "/api/social/facebook/deauthorize": {"post": op("Meta deauthorize callback (Facebook)", "200", "That user's accounts disabled, credentials erased", auth=False)},
 "/api/social/facebook/data-deletion": {"post": op("Meta data-deletion callback (Facebook)", "200", "Deletion done", ref("DeletionReceipt"), auth=False)},
 "/api/social/facebook/data-deletion/{code}": {"get": op("Data-deletion status", "200", "What was deleted and when", ref("DeletionStatus"), params=[p("code")], auth=False)},
 "/api/social/posts/validate": {"post": op("Check a post without storing it", "200", "ok and every problem", {"type": "object", "properties": {"ok": {"type": "boolean"}, "problems": {"type": "array", "items": ref("Problem")}}}, ref("PostInput"))},
 "/api/social/posts": {"get": op("List posts, newest first", "200", "A page of posts", {"type": "object", "properties": {"posts": {"type": "array", "items": ref("Post")}, "next_cursor": {"type": ["string", "null"]}}},
                                 params=[p("status", "query"), p("account_id", "query", "integer"), p("from", "query", desc="RFC 3339"), p("to", "query", desc="RFC 3339"), p("cursor", "query"), p("limit", "query", "integer")]),
                       "post": op("Create a post: publish now, or at scheduled_at", "201", "The post", ref("Post"), ref("PostInput"), extra=V422)},
 "/api/social/posts/{id}": {"get": op("Get a post", "200", "The post", ref("Post"), params=[ID]),
                            "patch": op("Change a post while nothing was published", "200", "The post", ref("Post"), {"type": "object", "additionalProperties": False, "properties": {"caption": {"type": "string"}, "scheduled_at": {"type": "string", "format": "date-time"}, "image_urls": {"type": "array", "items": {"type": "string"}}, "video_url": {"type": "string"}}}, params=[ID], extra={**V422, "409": resp("Already published", ref("Error"))})},
 "/api/social/posts/{id}/cancel": {"post": op("Cancel pending targets (a native Facebook one is deleted on Facebook)", "200", "The post", ref("Post"), params=[ID], extra={"409": resp("Nothing to cancel", ref("Error"))})},
 "/api/social/posts/{id}/retry": {"post": op("Retry failed targets", "200", "The post", ref("Post"), params=[ID], extra={"409": resp("Nothing to retry", ref("Error"))})},
 "/api/openapi.json": {"get": op("This document", "200", "OpenAPI 3", auth=False)},
}
S = lambda **kw: {"type": "string", **kw}
schemas = {
 "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {"code": S(), "message": S()}}}},
 "Problem": {"type": "object", "properties": {"field": S(), "account_id": {"type": "integer"}, "code": S(), "message": S()}},
 "Problems": {"allOf": [ref("Error"), {"type": "object", "properties": {"problems": {"type": "array", "items": ref("Problem")}}}]},
 "Credentials": {"type": "object", "required": ["email", "password"], "properties": {"email": S(format="email"), "password": S(minLength=10)}},
 "Session": {"type": "object", "properties": {"user": {"type": "object", "properties": {"id": {"type": "integer"}, "email": S()}}, "csrf_token": S()}},
 "APIKey": {"type": "object", "properties": {"id": {"type": "integer"}, "name": S(), "prefix": S(), "created_at": S(format="date-time"), "last_used_at": S(format="date-time")}},
 "NewAPIKey": {"allOf": [ref("APIKey"), {"type": "object", "properties": {"key": S(description="Shown once; send as Authorization: Bearer <key>")}}]},
 "Account": {"type": "object", "properties": {"id": {"type": "integer"}, "platform": S(), "account_name": S(), "platform_account_id": S(), "auth": S(enum=["oauth", "manual"]), "enabled": {"type": "boolean"},
   "status": S(enum=["connected", "disabled", "needs_reconnect"]), "credentials": {"type": "object", "additionalProperties": {"type": "boolean"}, "description": "Which credentials are set; never their values"},
   "token_expires_at": S(format="date-time"), "last_error": S(), "hint": S(), "warnings": {"type": "array", "items": S()}, "created_at": S(format="date-time"), "updated_at": S(format="date-time")}},
 "AccountInput": {"type": "object", "additionalProperties": False, "properties": {k: S() for k in ["platform", "account_name", "access_token", "access_token_secret", "oauth1_access_token", "refresh_token", "client_id", "client_secret", "consumer_key", "consumer_secret", "platform_account_id"]} | {"enabled": {"type": "boolean"}}},
 "PostInput": {"type": "object", "additionalProperties": False, "required": ["account_ids"], "properties": {"account_ids": {"type": "array", "items": {"type": "integer"}}, "caption": S(), "image_urls": {"type": "array", "items": S(format="uri")}, "video_url": S(format="uri"), "scheduled_at": S(format="date-time", description="Omit to publish now")}},
 "Target": {"type": "object", "properties": {"id": {"type": "integer"}, "account_id": {"type": "integer"}, "platform": S(), "mode": S(enum=["now", "queue", "native"]), "status": S(enum=["scheduled", "queued", "publishing", "published", "failed", "canceled"]),
   "platform_post_id": S(), "permalink": S(), "attempts": {"type": "integer"}, "published_at": S(format="date-time"), "error": {"type": "object", "properties": {"code": S(), "message": S(), "hint": S()}}}},
 "Post": {"type": "object", "properties": {"id": {"type": "integer"}, "caption": S(), "image_urls": {"type": "array", "items": S()}, "video_url": S(), "scheduled_at": S(format="date-time"), "status": S(), "created_at": S(format="date-time"), "targets": {"type": "array", "items": ref("Target")}}},
 "DeletionReceipt": {"type": "object", "properties": {"url": S(), "confirmation_code": S()}},
 "DeletionStatus": {"type": "object", "properties": {"confirmation_code": S(), "status": S(), "accounts_deleted": {"type": "integer"}, "jobs_canceled": {"type": "integer"}, "requested_at": S(format="date-time"), "completed_at": S(format="date-time")}},
}
doc = {"openapi": "3.1.0", "info": {"title": "SalesAI Social API", "version": "1", "description": "Connect social accounts, compose once, publish now or at a time. Errors: {\"error\":{\"code\",\"message\"}}; validation: 422 with problems."},
       "servers": [{"url": "/"}], "security": [{"session": []}, {"apiKey": []}],
       "components": {"securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "salesai_session", "description": "Unsafe methods also need the X-CSRF-Token header"}, "apiKey": {"type": "http", "scheme": "bearer"}}, "schemas": schemas},
       "paths": paths}
out = pathlib.Path(__file__).resolve().parent.parent / "internal/httpapi/openapi.json"
out.write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n")
print("wrote", out)
