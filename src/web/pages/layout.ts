// The page shell: no inline script or style (the Content-Security-Policy forbids them).
import { html, type SafeHtml } from "../html.js";

export function page(title: string, body: SafeHtml, options: { script?: boolean } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="stylesheet" href="/assets/servers.css">
${options.script ? html`<script src="/assets/servers.js" defer></script>` : ""}
</head>
<body>
${body}
</body>
</html>
`.value;
}
