// Swagger UI for /docs, from the server's own copy (fastapi-offline's files): no inline script, no CDN.
// No deep links: each would be an <a> inside an operation's summary button (axe: nested-interactive).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: false,
                               presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"});
});
