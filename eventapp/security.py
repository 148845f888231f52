"""What every response tells the browser: no framing (admin pages have one-click POST buttons),
no sniffing, a content policy that allows only the app's own scripts and styles, no referrer
from pages whose address is a secret, and no copy kept of private pages.

A response that already sets one of these (a summary file's sandbox policy) keeps its own.
"""
from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",  # the check-in camera's frames and QR previews
    "media-src 'self' blob:",
    "worker-src 'self'",  # the check-in page's service worker
    "manifest-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
))
# Pages whose address is itself the key to someone's data: the address must not leave as a referrer.
TOKEN_PAGES = (
    "/r/", "/join/", "/checkin/", "/delegate/", "/feedback/", "/unsubscribe/", "/admin/set-password/",
    "/working-groups/answer/",
)
# Pages about people, or behind a sign-in: no browser or proxy keeps a copy.
PRIVATE_PAGES = TOKEN_PAGES + ("/admin/", "/api/")


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    path = request.path if request.path.endswith("/") else request.path + "/"
    referrer = "no-referrer" if path.startswith(TOKEN_PAGES) else "strict-origin-when-cross-origin"
    headers.setdefault("Referrer-Policy", referrer)
    private = path.startswith(PRIVATE_PAGES) or path.endswith("/register/sent/")  # it names the address
    if private and not response.cache_control.no_store:
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
