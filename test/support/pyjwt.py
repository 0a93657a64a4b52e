"""An independent JWT implementation (PyJWT, Debian's python3-jwt) for interoperability tests.

Reads one JSON request on stdin and writes one JSON answer on stdout:
  {"op": "sign", "claims": {...}, "key": "...", "alg": "HS256", "headers": {...}}  -> {"token": "..."}
  {"op": "verify", "token": "...", "key": "...", "alg": "HS256", "audience": ..., "issuer": ...}
      -> {"claims": {...}} or {"error": "ExceptionName"}
Keys are strings: an HMAC secret, or a PEM (private to sign, public to verify).
"""
import json
import sys

import jwt


def main():
    request = json.load(sys.stdin)
    if request["op"] == "sign":
        token = jwt.encode(request["claims"], request["key"], algorithm=request["alg"], headers=request.get("headers"))
        print(json.dumps({"token": token}))
        return
    try:
        claims = jwt.decode(
            request["token"],
            request["key"],
            algorithms=[request["alg"]],
            audience=request.get("audience"),
            issuer=request.get("issuer"),
            options={"require": ["exp", "iat"]},
        )
        print(json.dumps({"claims": claims}))
    except jwt.PyJWTError as error:
        print(json.dumps({"error": type(error).__name__}))


main()
