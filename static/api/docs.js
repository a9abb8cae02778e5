"use strict";
// Starts Swagger UI on the API docs page (templates/api/docs.html). A file rather than an
// inline script: the Content-Security-Policy allows scripts from the app's own files only.
(function () {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    // "Try it out" uses this browser session: its unsafe requests carry the CSRF token.
    requestInterceptor: function (request) {
      request.headers["X-CSRFToken"] = root.dataset.csrfToken;
      return request;
    },
  });
})();
