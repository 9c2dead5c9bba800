"""Who is using the app: the OS user on loopback, else a signed-in user.

``voucher-opt ui`` sets ``VOUCHER_OPT_AUTH``: ``local`` when it serves on a
loopback address (one person, recorded as the OS user, with every role), and
``required`` on any other address. Then :func:`gate` draws the sign-in form
and stops the run until someone signs in, before the session is made: no
scenario is read, solved or shown, and no page or download exists, until
then. Sign-in is a local user of the store (:mod:`inputs.store.users`:
argon2 hashes, throttling per user and per client), or OIDC through
``st.login`` when ``[auth]`` is in ``.streamlit/secrets.toml``; an OIDC user's
role comes from a claim (``VOUCHER_OPT_ROLE_CLAIM``, default ``roles``) or,
failing that, from the users table by e-mail or name.

The actor is kept in ``st.session_state`` (server side; the browser holds
only Streamlit's session id) and every action asks :func:`service`, which
checks the role again in the store layer.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import streamlit as st

from inputs.store.access import VIA_OIDC, VIA_OS, Action, Actor, Role
from inputs.store.errors import StoreError
from inputs.store.service import Service
from optimizer.catalog import Lang, text
from ui.commands.serve import AUTH_ENV

SS = st.session_state
#: The OIDC claim holding the role(s).
ROLE_CLAIM_ENV = "VOUCHER_OPT_ROLE_CLAIM"
#: Trust the reverse proxy's ``X-Forwarded-For`` for the client address (``1``).
TRUST_PROXY_ENV = "VOUCHER_OPT_TRUST_PROXY"
ACTOR_KEY = "actor"
LANG_KEY = "signin_lang"


def required() -> bool:
    return os.environ.get(AUTH_ENV, "local") == "required"


def oidc_configured() -> bool:
    """Whether ``[auth]`` is in the app's secrets (then ``st.login`` can be used)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, OSError, ValueError):
        return False


def client() -> str | None:
    """The browser's address (behind a trusted proxy: the first ``X-Forwarded-For``)."""
    if os.environ.get(TRUST_PROXY_ENV) == "1":
        forwarded = st.context.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return st.context.ip_address or "local"


def current() -> Actor | None:
    found: Actor | None = SS.get(ACTOR_KEY)
    return found


def actor() -> Actor:
    """The signed-in actor (the app has passed :func:`gate`)."""
    found = current()
    if found is None:  # a page run without the gate: nobody may do anything
        raise StoreError("auth.signed_out")
    return found


def service() -> Service:
    """The store acting for the signed-in actor: every call checks the role."""
    from ui import drafts

    return Service(drafts.store(), actor())


def may(action: Action) -> bool:
    found = current()
    return found is not None and found.may(action)


def gate() -> Actor:
    """The actor of this browser session; draws the sign-in page and stops when there is none."""
    found = current()
    if found is not None:
        return found
    if not required():
        from inputs.store.db import _os_user

        found = Actor(_os_user() or "local", Role.APPROVER, via=VIA_OS)
        SS[ACTOR_KEY] = found
        return found
    if oidc_configured() and _oidc_signed_in():
        found = _oidc_actor()
        if found is not None:
            SS[ACTOR_KEY] = found
            return found
    _sign_in_page()
    st.stop()
    raise AssertionError("unreachable")


def signin_lang() -> Lang:
    return "en" if SS.get(LANG_KEY) == "en" else "zh"


def _sign_in_page() -> None:
    lang = signin_lang()
    names = {"zh": "中文", "en": "English"}
    st.segmented_control(text("auth.ui.language", lang), ["zh", "en"], key=LANG_KEY,
                         format_func=lambda code: names[code], default="zh", required=True)
    lang = signin_lang()
    st.title(text("auth.ui.title", lang))
    with st.form("signin", clear_on_submit=True):
        name = st.text_input(text("auth.ui.user", lang), key="signin_user")
        password = st.text_input(text("auth.ui.password", lang), type="password")
        pressed = st.form_submit_button(text("auth.ui.sign_in", lang), type="primary")
    if pressed:
        _try_password(name.strip(), password, lang)
    note = SS.pop("signin_note", None)
    if note:
        st.error(note, icon=":material/lock:")
    if oidc_configured():
        st.divider()
        provider = _provider()
        st.button(text("auth.ui.sso", lang), key="signin_sso", on_click=_login, args=(provider,),
                  icon=":material/key:")
    st.caption(text("auth.ui.help", lang))


def _try_password(name: str, password: str, lang: Lang) -> None:
    from inputs.store import users
    from ui import drafts

    if not name or not password:
        SS["signin_note"] = text("auth.bad_credentials", lang)
        st.rerun()
    try:
        found = users.authenticate(drafts.store(), name, password, client=client())
    except StoreError as err:
        SS["signin_note"] = err.text(lang)
        st.rerun()
    SS[ACTOR_KEY] = found
    SS["lang_after_signin"] = lang
    st.rerun()


def _provider() -> str | None:
    auth: Any = st.secrets.get("auth", {})
    nested = [k for k, v in auth.items() if hasattr(v, "items")]
    return nested[0] if len(nested) == 1 else None


def _login(provider: str | None) -> None:
    if provider is None:
        st.login()
    else:
        st.login(provider)


def _oidc_signed_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except (AttributeError, KeyError):
        return False


def _oidc_actor() -> Actor | None:
    """The OIDC user's actor, with the role from the claim or the users table; None: refused."""
    from inputs.store import audit, users
    from ui import drafts

    store = drafts.store()
    claims: dict[str, Any] = dict(st.user.to_dict())
    name = str(claims.get("email") or claims.get("preferred_username") or claims.get("name")
               or claims.get("sub") or "")
    role = role_from_claims(claims, os.environ.get(ROLE_CLAIM_ENV, "roles"))
    if role is None:
        known = users.get_user(store, name)
        role = known.role if known is not None else None
    found = Actor(name, role or Role.VIEWER, via=VIA_OIDC, client=client())
    if role is None:
        audit.record(store, found, Action.SIGN_IN_FAILED, name, {"reason": "no_role"})
        SS["signin_note"] = text("auth.oidc_unknown", signin_lang(), name=name)
        return None
    audit.record(store, found, Action.SIGN_IN, name)
    return found


def role_from_claims(claims: dict[str, Any], claim: str) -> Role | None:
    """The highest role named in ``claims[claim]`` (a string or a list), or None.

    >>> role_from_claims({"roles": ["viewer", "approver"]}, "roles")
    <Role.APPROVER: 'approver'>
    >>> role_from_claims({"groups": "finance"}, "groups") is None
    True
    """
    value = claims.get(claim)
    values = value if isinstance(value, list | tuple) else [value]
    order = list(Role)
    found = [Role(v) for v in values if isinstance(v, str) and v in {r.value for r in Role}]
    return max(found, key=order.index) if found else None


def sign_out() -> None:
    found = current()
    SS.clear()
    st.query_params.clear()  # the next person at this browser starts on fresh work
    if found is not None and found.via == VIA_OIDC:
        st.logout()


def guarded[**P, R](action: Action) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    """Decorate a widget callback: it runs only when the actor's role allows ``action``.

    A refusal (here, or from the store layer below) is not raised into
    Streamlit: its message is kept for :func:`show_refusal` and the callback
    does nothing. This is the server's check; hiding or disabling the button
    is only a courtesy.
    """
    import functools

    from inputs.store.access import Forbidden, require

    def wrap(fn: Callable[P, R]) -> Callable[P, R | None]:
        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R | None:
            from ui.i18n import lang

            try:
                require(actor(), action)
                return fn(*args, **kwargs)
            except Forbidden as err:
                SS["refused"] = err.text(lang())
                return None
        return run
    return wrap


def show_refusal() -> None:
    """Show (once) why the last action was refused."""
    note = SS.pop("refused", None)
    if note:
        st.error(note, icon=":material/block:")
