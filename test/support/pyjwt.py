"""An independent JWT implementation (PyJWT, Debian's python3-jwt) for interoperability tests.

Reads one JSON request on stdin and writes one JSON answer on stdout:
  {"op": "sign", "claims": {...}, "key": "...", "alg": "HS256", "headers": {...}}  -> {"token": "..."}
  {"op": "verify", "token": "...", "key": "...", "alg": "HS256", "audience": ..., "issuer": ...}
      -> {"claims": {...}, "header": {...}} or {"error": "ExceptionName"}
  {"op": "verify", "token": "...", "jwks": {"keys": [...]}, "alg": ..., ...}
      -> as above, with the key PyJWT's own PyJWKSet picks by the token's kid
  {"op": "successor", "jti": "..."}  -> {"jti": "..."}: docs/sessions.md's successor rule, with hashlib
  {"op": "batch", "requests": [...]}  -> {"answers": [...]}: many requests for one interpreter start
Keys are strings: an HMAC secret, or a PEM (private to sign, public to verify).
"""
import base64
import hashlib
import json
import sys

import jwt


def sign(request):
    token = jwt.encode(request["claims"], request["key"], algorithm=request["alg"], headers=request.get("headers"))
    return {"token": token}


def verify(request):
    try:
        header = jwt.get_unverified_header(request["token"])
        if "jwks" in request:
            key_set = jwt.PyJWKSet.from_dict(request["jwks"])
            key = key_set[header["kid"]].key
        else:
            key = request["key"]
        claims = jwt.decode(
            request["token"],
            key,
            algorithms=[request["alg"]],
            audience=request.get("audience"),
            issuer=request.get("issuer"),
            options={"require": ["exp", "iat"]},
        )
        return {"claims": claims, "header": header}
    except (jwt.PyJWTError, KeyError) as error:
        return {"error": type(error).__name__}


def successor(request):
    digest = hashlib.sha256(("bubble-jwt-plugin/refresh-successor/v1:" + request["jti"]).encode("utf-8")).digest()
    return {"jti": base64.urlsafe_b64encode(digest[:16]).decode("ascii").rstrip("=")}


def answer(request):
    if request["op"] == "batch":
        return {"answers": [answer(item) for item in request["requests"]]}
    if request["op"] == "sign":
        return sign(request)
    if request["op"] == "successor":
        return successor(request)
    return verify(request)


print(json.dumps(answer(json.load(sys.stdin))))
