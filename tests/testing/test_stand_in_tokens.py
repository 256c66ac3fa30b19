"""The stand-in server's JWT checks and ACL patterns."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from nexmo_client.testing import DEFAULT_CLIENT_ACL, StandInServer
from nexmo_client.testing._tokens import acl_covers

APPLICATION_ID = "app-under-test"


def new_key() -> rsa.RSAPrivateKey:
    """Return a fresh 2048-bit RSA key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem_of(key: rsa.RSAPrivateKey) -> bytes:
    """Return a private key as unencrypted PKCS#8 PEM."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def b64url(data: bytes) -> str:
    """Return base64url without padding, as JWT segments are written."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**overrides: Any) -> dict[str, Any]:
    """Return valid client claims for alice, with some replaced or removed (value None)."""
    now = int(time.time())
    values: dict[str, Any] = {
        "application_id": APPLICATION_ID,
        "sub": "alice",
        "iat": now,
        "exp": now + 600,
        "jti": "jti-1",
        "acl": DEFAULT_CLIENT_ACL,
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


@pytest.fixture(scope="module")
def application_key() -> rsa.RSAPrivateKey:
    """The application key that the server of this module checks tokens against."""
    return new_key()


@pytest.fixture
def server(application_key: rsa.RSAPrivateKey) -> Iterator[StandInServer]:
    """A running server with a known key and application id, and a user alice."""
    with StandInServer(
        private_key_pem=pem_of(application_key), application_id=APPLICATION_ID
    ) as stand_in:
        stand_in.store.add_user("alice", user_id="USR-alice")
        yield stand_in


def get_user(server: StandInServer, authorization: str | None) -> requests.Response:
    """GET alice's sessions with this Authorization header, or none."""
    headers = {} if authorization is None else {"Authorization": authorization}
    return requests.get(f"{server.url}/v1/users/USR-alice/sessions", headers=headers, timeout=10)


def assert_rejected(response: requests.Response, status: int, code: str) -> None:
    """Check that a token was rejected with this status and error code."""
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert response.json()["type"].endswith(f"#{code}")


def test_minted_token_accepted(server: StandInServer) -> None:
    """A token from mint_token is accepted and carries the documented claims."""
    token = server.mint_token("alice", lifetime=120)

    response = get_user(server, f"Bearer {token}")
    decoded = jwt.decode(token, options={"verify_signature": False})

    assert response.status_code == 200
    assert decoded["application_id"] == APPLICATION_ID
    assert decoded["sub"] == "alice"
    assert decoded["exp"] - decoded["iat"] == 120
    assert decoded["jti"]
    assert decoded["acl"] == DEFAULT_CLIENT_ACL
    assert jwt.get_unverified_header(token)["alg"] == "RS256"


def test_token_signed_with_application_key(
    server: StandInServer, application_key: rsa.RSAPrivateKey
) -> None:
    """A token signed elsewhere with the application key is accepted; the scheme is any case."""
    token = jwt.encode(claims(), application_key, algorithm="RS256")

    assert get_user(server, f"bearer {token}").status_code == 200


def test_extra_claims_replace_standard_ones(server: StandInServer) -> None:
    """extra_claims are added last, so they can replace a standard claim."""
    token = server.mint_token("alice", extra_claims={"application_id": "another-app", "x": 1})

    decoded = jwt.decode(token, options={"verify_signature": False})

    assert decoded["application_id"] == "another-app"
    assert decoded["x"] == 1
    assert_rejected(get_user(server, f"Bearer {token}"), 401, "system:error:invalid-token")


def test_missing_header(server: StandInServer) -> None:
    """No Authorization header is 401 missing-token."""
    assert_rejected(get_user(server, None), 401, "system:error:missing-token")


@pytest.mark.parametrize("value", ["Basic YWxpY2U6c2VjcmV0", "Bearer", "Bearer   ", "token"])
def test_not_bearer(server: StandInServer, value: str) -> None:
    """An Authorization header without a Bearer token is 401 missing-token."""
    assert_rejected(get_user(server, value), 401, "system:error:missing-token")


def test_other_key(server: StandInServer) -> None:
    """A token signed by another RSA key is 401 invalid-token."""
    token = jwt.encode(claims(), new_key(), algorithm="RS256")

    assert_rejected(get_user(server, f"Bearer {token}"), 401, "system:error:invalid-token")


def test_alg_none(server: StandInServer) -> None:
    """An unsigned token (alg none) is 401 invalid-token."""
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims()).encode())

    response = get_user(server, f"Bearer {header}.{payload}.")

    assert_rejected(response, 401, "system:error:invalid-token")


def test_hs256_with_public_key(server: StandInServer, application_key: rsa.RSAPrivateKey) -> None:
    """An HS256 token whose HMAC key is the server's public key PEM is 401 invalid-token."""
    public_pem = application_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims()).encode())
    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()

    response = get_user(server, f"Bearer {header}.{payload}.{b64url(signature)}")

    assert_rejected(response, 401, "system:error:invalid-token")


@pytest.mark.parametrize("token", ["abc", "a.b.c", "a.b", "éé.éé.éé"])
def test_malformed_token(server: StandInServer, token: str) -> None:
    """A token that is not a JWT is 401 invalid-token."""
    response = get_user(server, f"Bearer {token}".encode().decode("latin-1"))

    assert_rejected(response, 401, "system:error:invalid-token")


def test_expired_token(server: StandInServer, application_key: rsa.RSAPrivateKey) -> None:
    """A token past exp by more than the one second of leeway is 401 expired-token."""
    now = int(time.time())
    expired = jwt.encode(claims(iat=now - 60, exp=now - 3), application_key, algorithm="RS256")

    assert_rejected(get_user(server, f"Bearer {expired}"), 401, "system:error:expired-token")


@pytest.mark.parametrize("lifetime", [-0.1, -1, -3600])
def test_negative_lifetime_expired(server: StandInServer, lifetime: float) -> None:
    """mint_token with any negative lifetime gives a token the server finds expired."""
    token = server.mint_token("alice", lifetime=lifetime)

    assert_rejected(get_user(server, f"Bearer {token}"), 401, "system:error:expired-token")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("exp", "future"),
        ("exp", True),
        ("exp", False),
        ("exp", None),
        ("exp", [4102444800]),
        ("exp", {"seconds": 4102444800}),
        ("exp", math.nan),
        ("exp", math.inf),
        ("iat", "now"),
        ("iat", True),
        ("nbf", "now"),
        ("nbf", False),
        ("nbf", -math.inf),
    ],
)
def test_time_claim_not_number(
    server: StandInServer, application_key: rsa.RSAPrivateKey, name: str, value: object
) -> None:
    """An exp, iat or nbf that is not a finite JSON number is 401 invalid-token."""
    now = int(time.time())
    # "future" and "now" are placeholders for numeric strings, which PyJWT 2.15 alone accepts.
    replacements = {"future": str(now + 600), "now": str(now)}
    claim_value = replacements.get(value, value) if isinstance(value, str) else value
    payload = claims()
    payload[name] = claim_value
    # json.dumps writes NaN and Infinity, which are not JSON but which Python's reader accepts.
    token = jwt.encode(payload, application_key, algorithm="RS256")

    response = get_user(server, f"Bearer {token}")

    assert_rejected(response, 401, "system:error:invalid-token")
    assert name in response.json()["detail"]


@pytest.mark.parametrize(
    ("name", "offset"), [("exp", 600.5), ("iat", -0.25), ("nbf", -10), ("nbf", -10.5)]
)
def test_time_claim_number_accepted(
    server: StandInServer, application_key: rsa.RSAPrivateKey, name: str, offset: float
) -> None:
    """An exp, iat or nbf that is an int or a float is accepted."""
    payload = claims()
    payload[name] = time.time() + offset
    token = jwt.encode(payload, application_key, algorithm="RS256")

    assert get_user(server, f"Bearer {token}").status_code == 200


@pytest.mark.parametrize("missing", ["sub", "exp"])
def test_required_claim_missing(
    server: StandInServer, application_key: rsa.RSAPrivateKey, missing: str
) -> None:
    """A token without sub or exp is 401 invalid-token."""
    token = jwt.encode(claims(**{missing: None}), application_key, algorithm="RS256")

    assert_rejected(get_user(server, f"Bearer {token}"), 401, "system:error:invalid-token")


def test_other_application(server: StandInServer, application_key: rsa.RSAPrivateKey) -> None:
    """A token for another application id is 401 invalid-token."""
    token = jwt.encode(claims(application_id="other"), application_key, algorithm="RS256")

    assert_rejected(get_user(server, f"Bearer {token}"), 401, "system:error:invalid-token")


@pytest.mark.parametrize(
    "acl",
    [
        {"paths": {"/*/conversations/**": {}}},
        {"paths": {"/*/users/*": {}}},
        {"paths": {}},
        {},
    ],
)
def test_acl_not_covering_path(server: StandInServer, acl: dict[str, Any]) -> None:
    """A token whose acl covers none of the path is 403 permission."""
    token = server.mint_token("alice", acl=acl)

    assert_rejected(get_user(server, f"Bearer {token}"), 403, "system:error:permission")


def test_acl_missing(server: StandInServer, application_key: rsa.RSAPrivateKey) -> None:
    """A token without an acl claim is 403 permission."""
    token = jwt.encode(claims(acl=None), application_key, algorithm="RS256")

    assert_rejected(get_user(server, f"Bearer {token}"), 403, "system:error:permission")


def test_acl_narrow_path_allowed(server: StandInServer) -> None:
    """An acl naming only alice's sessions allows them and nothing else."""
    token = server.mint_token("alice", acl={"paths": {"/v1/users/USR-alice/sessions": {}}})
    headers = {"Authorization": f"Bearer {token}"}

    allowed = get_user(server, f"Bearer {token}")
    denied = requests.get(f"{server.url}/v1/users/USR-alice", headers=headers, timeout=10)

    assert allowed.status_code == 200
    assert denied.status_code == 403


@pytest.mark.parametrize(
    ("pattern", "segments", "covered"),
    [
        ("/*/users/**", ["v1", "users"], True),
        ("/*/users/**", ["v1", "users", "USR-1"], True),
        ("/*/users/**", ["v0.3", "users", "USR-1", "sessions"], True),
        ("/*/users/**", ["v1", "sessions"], False),
        ("/*/users/**", ["v1", "usersx"], False),
        ("/*/users/*", ["v1", "users", "USR-1"], True),
        ("/*/users/*", ["v1", "users"], False),
        ("/*/users/*", ["v1", "users", "USR-1", "sessions"], False),
        ("/v1/users/USR-*/sessions", ["v1", "users", "USR-9", "sessions"], True),
        ("/v1/users/USR-*/sessions", ["v1", "users", "X-9", "sessions"], False),
        ("/**", ["v1", "users", "a/b"], True),
        ("/v1/**/sessions", ["v1", "users", "USR-1", "sessions"], True),
        ("v1/users/**", ["v1", "users"], False),
    ],
)
def test_acl_patterns(pattern: str, segments: list[str], covered: bool) -> None:
    """* matches one segment, ** any number including none; patterns start with /."""
    assert acl_covers({"paths": {pattern: {}}}, segments) is covered


def test_token_never_logged(server: StandInServer, caplog: pytest.LogCaptureFixture) -> None:
    """The server's log never contains the token or the Authorization header."""
    caplog.set_level("DEBUG", logger="nexmo_client.testing")
    token = server.mint_token("alice")

    get_user(server, f"Bearer {token}")
    get_user(server, f"Bearer {token}x")

    assert caplog.records
    assert token not in caplog.text
    assert token.split(".")[2] not in caplog.text
    assert "Bearer" not in caplog.text
