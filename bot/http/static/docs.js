// The API reference page: Swagger UI over /openapi.json. A separate file, not an inline
// script, so the app's Content-Security-Policy (script-src 'self') holds here too.
"use strict";

window.addEventListener("DOMContentLoaded", () => {
  window.ui = window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // never ask swagger.io to validate the schema: nothing leaves the bank
  });
});
