from tests.oidc.conftest import identity_provider, sso  # noqa: F401 (for bench/signin.py)
