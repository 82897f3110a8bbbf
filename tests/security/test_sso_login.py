"""Staff single sign-on through the municipality's OpenID Connect provider, against a stub provider.

The stub answers the token, userinfo and JWKS endpoints through `responses`
and signs ID tokens with an RSA key made for the test run; the real
mozilla-django-oidc views and Skranke's backend do the rest.
"""

import base64
import hashlib
import json
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import Group
from django.urls import reverse

from skranke.organisation.oidc import roles_from_claims
from skranke.organisation.roles import Role
from tests.factories import ManagerFactory, UserFactory

PROVIDER = "https://login.kommune.test"
CLIENT_ID = "skranke-test"
CLIENT_SECRET = "klient-hemmelighed-kun-til-test-og-intet-andet"
ROLE_MAP = {"skranke-medarbejder": "Medarbejder", "skranke-leder": "Leder", "it-administrator": "Administrator"}
BACKEND = "skranke.organisation.oidc.MunicipalLoginBackend"

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class StubProvider:
    """Just enough of an OpenID Connect provider: one authorization code per login, checked like a real one."""

    def __init__(self, mock: responses.RequestsMock):
        self.mock = mock
        self.codes: dict[str, dict] = {}
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(_KEY.public_key()))
        mock.add(responses.GET, f"{PROVIDER}/jwks", json={"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]})
        mock.add_callback(responses.POST, f"{PROVIDER}/token", callback=self._token)
        mock.add_callback(responses.GET, f"{PROVIDER}/userinfo", callback=self._userinfo)

    def authorize(self, client, *, username: str, roles=None, userinfo=None, next_url="", token=None) -> str:
        """Start the login at Skranke, 'sign in' at the provider, and return the callback URL it sends back."""
        start = client.get(reverse("oidc_authentication_init") + (f"?next={next_url}" if next_url else ""))
        assert start.status_code == 302
        url = urlsplit(start.url)
        assert f"{url.scheme}://{url.netloc}{url.path}" == f"{PROVIDER}/authorize"
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        assert query["client_id"] == CLIENT_ID
        assert query["redirect_uri"] == "http://testserver/oidc/callback/"
        claims = {
            "iss": PROVIDER,
            "sub": f"sub-{username}",
            "aud": CLIENT_ID,
            "iat": int(time.time()),
            "exp": int(time.time()) + 300,
            "nonce": query["nonce"],
            "preferred_username": username,
        }
        if roles is not None:
            claims["roles"] = roles
        code = f"code-{len(self.codes)}"
        self.codes[code] = {
            "id_token": token(claims) if token else sign(claims),
            "challenge": query["code_challenge"],
            "userinfo": {"sub": claims["sub"], **(userinfo or {})},
        }
        return reverse("oidc_authentication_callback") + "?" + urlencode({"code": code, "state": query["state"]})

    def _token(self, request):
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        grant = self.codes.pop(form.get("code"), None)
        if (
            grant is None
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
            or _challenge(form.get("code_verifier", "")) != grant["challenge"]
        ):
            return 400, {}, json.dumps({"error": "invalid_grant"})
        self.last_userinfo = grant["userinfo"]
        body = {"access_token": "adgang-123", "token_type": "Bearer", "id_token": grant["id_token"]}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _userinfo(self, request):
        if request.headers.get("Authorization") != "Bearer adgang-123":
            return 401, {}, ""
        return 200, {"Content-Type": "application/json"}, json.dumps(self.last_userinfo)


def sign(claims: dict, *, key=_KEY, algorithm="RS256", kid="k1") -> str:
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


@pytest.fixture
def sso(settings):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROVIDER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{PROVIDER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{PROVIDER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{PROVIDER}/jwks"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.SKRANKE_OIDC_ROLE_CLAIM = "roles"
    settings.SKRANKE_OIDC_ROLE_MAP = ROLE_MAP
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield StubProvider(mock)


def _groups(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def _signed_in_user(client):
    return client.get(reverse("web:home")).wsgi_request.user


# The whole flow


@pytest.mark.django_db
def test_staff_member_signs_in_with_the_municipal_login_and_gets_the_mapped_role(client, sso, librarian):
    callback = sso.authorize(
        client,
        username="LISE",  # the provider's spelling; usernames match ignoring case
        roles=["skranke-leder", "kantineudvalget"],
        userinfo={"given_name": "Lise", "family_name": "Holm-Jensen", "email": "lise@kommune.test"},
        next_url="/ydelser/",
    )

    response = client.get(callback)

    assert response.status_code == 302
    assert response.url == "/ydelser/"
    user = _signed_in_user(client)
    assert user == librarian.user
    assert _groups(user) == {"Leder", "Medarbejder"}
    assert user.is_staff
    assert (user.last_name, user.email) == ("Holm-Jensen", "lise@kommune.test")
    assert "Goddag, Lise" in client.get(reverse("web:home")).content.decode()


@pytest.mark.django_db
def test_roles_in_the_id_token_count_when_there_is_no_userinfo_endpoint(client, sso, librarian, settings):
    settings.OIDC_OP_USER_ENDPOINT = ""

    client.get(sso.authorize(client, username="lise", roles="it-administrator"))

    assert _groups(_signed_in_user(client)) == {"Administrator", "Medarbejder"}


@pytest.mark.django_db
def test_a_role_claim_with_no_known_value_gives_no_group(client, sso, librarian):
    assert _groups(librarian.user) == {"Medarbejder"}

    client.get(sso.authorize(client, username="lise", roles=["kantineudvalget"]))

    user = _signed_in_user(client)
    assert user == librarian.user
    assert _groups(user) == set()
    assert not user.is_staff


@pytest.mark.django_db
def test_a_user_with_no_staff_member_signs_in_but_gets_no_role_and_no_staff_pages(client, sso):
    UserFactory(username="it-konsulent")

    client.get(sso.authorize(client, username="it-konsulent", roles=["skranke-leder"]))

    response = client.get(reverse("web:home"))
    assert response.wsgi_request.user.username == "it-konsulent"
    assert _groups(response.wsgi_request.user) == set()
    assert response.status_code == 403
    assert "Din konto er ikke knyttet til en kommune" in response.content.decode()


@pytest.mark.django_db
def test_someone_without_a_skranke_user_is_not_let_in_and_is_told_why(client, sso):
    response = client.get(sso.authorize(client, username="ny.kollega", roles=["skranke-medarbejder"]), follow=True)

    assert "_auth_user_id" not in client.session
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Bed din leder om at oprette dig med brugernavnet ny.kollega." in response.content.decode()


@pytest.mark.django_db
def test_a_deactivated_user_is_not_let_in(client, sso, librarian):
    librarian.user.is_active = False
    librarian.user.save()

    response = client.get(sso.authorize(client, username="lise", roles=["skranke-medarbejder"]), follow=True)

    assert "_auth_user_id" not in client.session
    assert "Din bruger i Skranke er lukket." in response.content.decode()


# Tokens that must be refused


def _tampered(claims):
    header, _payload, signature = sign(claims).split(".")
    forged = base64.urlsafe_b64encode(json.dumps({**claims, "preferred_username": "leder"}).encode()).decode()
    return f"{header}.{forged.rstrip('=')}.{signature}"


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(_tampered, id="payload changed after signing"),
        pytest.param(lambda c: sign(c, key=_OTHER_KEY), id="signed with another key"),
        pytest.param(lambda c: sign({**c, "aud": "another-client"}), id="issued to another client"),
        pytest.param(lambda c: sign({**c, "exp": int(time.time()) - 3600}), id="expired"),
        pytest.param(lambda c: sign({**c, "nonce": "gammel"}), id="another login's nonce"),
        pytest.param(lambda c: sign(c, key=CLIENT_SECRET, algorithm="HS256"), id="HS256 with the client secret"),
        pytest.param(lambda c: jwt.encode(c, None, algorithm="none"), id="unsigned"),
    ],
)
@pytest.mark.django_db
def test_a_bad_id_token_is_refused(client, sso, librarian, token):
    ManagerFactory(municipality=librarian.municipality, user__username="leder")

    response = client.get(sso.authorize(client, username="lise", roles=["skranke-leder"], token=token), follow=True)

    assert "_auth_user_id" not in client.session
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Du blev ikke logget ind med kommunens login." in response.content.decode()
    assert _groups(librarian.user) == {"Medarbejder"}


@pytest.mark.django_db
def test_a_callback_cannot_be_replayed(client, sso, librarian):
    callback = sso.authorize(client, username="lise", roles=["skranke-medarbejder"])
    client.get(callback)
    client.post(reverse("logout"))

    response = client.get(callback, follow=True)

    assert "_auth_user_id" not in client.session
    assert "Du blev ikke logget ind med kommunens login." in response.content.decode()


@pytest.mark.django_db
def test_a_provider_that_fails_gives_a_message_not_an_error_page(client, sso, librarian):
    callback = sso.authorize(client, username="lise", roles=["skranke-medarbejder"])
    sso.mock.replace(responses.POST, f"{PROVIDER}/token", status=503)

    response = client.get(callback, follow=True)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Kommunens login svarede ikke." in response.content.decode()


# Switched on and off


@pytest.mark.django_db
def test_the_login_page_offers_the_municipal_login_only_when_configured(client, settings):
    assert "Log ind med kommunens login" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404

    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROVIDER}/authorize"

    content = client.get(reverse("login") + "?next=/ydelser/").content.decode()
    assert "Log ind med kommunens login" in content
    assert f'href="{reverse("oidc_authentication_init")}?next=/ydelser/"' in content


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        (["skranke-leder", "skranke-medarbejder"], {Role.MANAGER, Role.STAFF}),
        ("it-administrator", {Role.ADMINISTRATOR}),
        (["kantineudvalget"], set()),
        ("Skranke-Leder", set()),  # values are compared exactly
        ([42, None], set()),
        (None, set()),
    ],
)
def test_role_claim_values_map_to_roles(claim, expected):
    claims = {} if claim is None else {"roles": claim}
    assert roles_from_claims(claims, claim="roles", role_map=ROLE_MAP) == expected


def test_role_groups_exist_under_the_mapped_names(db):
    assert set(ROLE_MAP.values()) <= set(Group.objects.values_list("name", flat=True))
