"""The OpenAPI description of the token authentication (drf-spectacular extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (your settings page, or manage.py apitoken): "
                           "Authorization: Bearer <token>. It acts with its user's role and "
                           "districts; a read-only token cannot write.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey", "in": "cookie", "name": "sessionid",
            "description": "The browser's session (signed in, second factor given); "
                           "unsafe methods also need the X-CSRFToken header.",
        }
